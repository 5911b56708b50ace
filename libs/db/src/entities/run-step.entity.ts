import type { JsonValue, ModelCallRecord, RunError, StepStatus, ToolName } from '@flowmate/contracts';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { AgentRunEntity } from './agent-run.entity';

/** `micro_agent` rows track a child workflow; `tool` rows one tool call inside it; `llm` rows one model call; `plan` a delegated run's plan. */
export type RunStepKind = 'micro_agent' | 'tool' | 'llm' | 'plan';

/** A model call as its step stores it: with the Temporal attempt that made it. */
export type StoredModelCall = ModelCallRecord & { attempt: number };

/** Where a rerun's reused row came from. */
export interface ReusedFrom {
  runId: string;
  stepKey: string;
}

@Entity('run_steps')
export class RunStepEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'run_id' })
  runId!: string;

  /** `<microAgentKey>` for a micro agent, `<microAgentKey>/<stepId>` for a tool call; unique per run. */
  @Column('text', { name: 'step_key' })
  stepKey!: string;

  @Column('text', { name: 'micro_agent_key' })
  microAgentKey!: string;

  @Column('text')
  kind!: RunStepKind;

  /** Order of the step inside its micro agent, or of the micro agent inside the definition. */
  @Column('int')
  position!: number;

  @Column('text', { nullable: true })
  tool!: ToolName | null;

  @Column('text')
  status!: StepStatus;

  @Column('int', { default: 0 })
  attempts!: number;

  @Column('jsonb', { nullable: true })
  input!: JsonValue | null;

  /** Tool steps only: every output is stored once, here. */
  @Column('jsonb', { nullable: true })
  output!: JsonValue | null;

  /** Size of `output` as JSON, measured when it was stored. */
  @Column('int', { name: 'output_bytes', nullable: true })
  outputBytes!: number | null;

  /** Micro agents only: the step whose output is the micro agent's output. */
  @Column('text', { name: 'output_step_key', nullable: true })
  outputStepKey!: string | null;

  @Column('jsonb', { nullable: true })
  error!: RunError | null;

  /** Tool steps an LLM asked for: the id the model gave the call. */
  @Column('text', { name: 'tool_call_id', nullable: true })
  toolCallId!: string | null;

  /** Model steps: tokens the call used, prompt and answer. */
  @Column('int', { nullable: true })
  tokens!: number | null;

  /** Model steps: `tool_calls` when the model asked for tools, `stop` when it answered. */
  @Column('text', { name: 'finish_reason', nullable: true })
  finishReason!: string | null;

  /** Steps that asked a model: every call of every attempt's fallback chain, in order. */
  @Column('jsonb', { name: 'model_calls', nullable: true })
  modelCalls!: StoredModelCall[] | null;

  @Column('text', { name: 'workflow_id', nullable: true })
  workflowId!: string | null;

  /** A `reused` row of a rerun: the run and step its output was taken from. */
  @Column('jsonb', { name: 'reused_from', nullable: true })
  reusedFrom!: ReusedFrom | null;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @ManyToOne('AgentRunEntity', 'steps', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: AgentRunEntity;
}
