import type { JsonValue, MainAgentInput, RunError, RunHold, RunStatus, RunTrigger } from '@flowmate/contracts';
import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { RunStepEntity } from './run-step.entity';

/** An agent a delegated run used. */
export interface LinkedAgent {
  id: string;
  version: number;
  ref: string;
}

@Entity('agent_runs')
export class AgentRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  /** Null once the agent is deleted; the run history stays. */
  @Column('uuid', { name: 'agent_id', nullable: true })
  agentId!: string | null;

  /** Null on a delegated run, which uses several agents: see `agents`. */
  @Column('int', { name: 'agent_version', nullable: true })
  agentVersion!: number | null;

  /** A delegated run's task. */
  @Column('text', { nullable: true })
  task!: string | null;

  /** A delegated run: the agents (and versions) its plan used. */
  @Column('jsonb', { nullable: true })
  agents!: LinkedAgent[] | null;

  @Column('text')
  trigger!: RunTrigger;

  @Column('text')
  status!: RunStatus;

  @Column('jsonb', { default: {} })
  input!: JsonValue;

  @Column('jsonb', { nullable: true })
  error!: RunError | null;

  @Column('text', { name: 'workflow_id' })
  workflowId!: string;

  @Column('text', { name: 'idempotency_key', nullable: true })
  idempotencyKey!: string | null;

  /** Hash of the request that first used the idempotency key. */
  @Column('text', { name: 'request_fingerprint', nullable: true })
  requestFingerprint!: string | null;

  /** The run this one reran. */
  @Column('uuid', { name: 'rerun_of', nullable: true })
  rerunOf!: string | null;

  /** A rerun: the micro agents that take their outputs from `rerunOf` instead of running again. */
  @Column('jsonb', { nullable: true })
  reuse!: MainAgentInput['reuse'] | null;

  /** Why a queued run waits instead of starting (`concurrency`: another run of its agent is active). */
  @Column('text', { name: 'held_by', nullable: true })
  heldBy!: RunHold | null;

  /** Set before Temporal is asked to cancel: tool calls that begin after it refuse to start. */
  @Column('timestamptz', { name: 'cancel_requested_at', nullable: true })
  cancelRequestedAt!: Date | null;

  /** A scheduled run: the time its schedule fired for. */
  @Column('timestamptz', { name: 'scheduled_at', nullable: true })
  scheduledAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @OneToMany(() => RunStepEntity, (step) => step.run)
  steps?: RunStepEntity[];
}
