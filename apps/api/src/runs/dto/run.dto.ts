import { DEFINITION_LIMITS, DELEGATION_PLAN, RUN_STATUSES, RUN_SUMMARY, type JsonValue, type RunError, type RunHold, type RunStatus, type RunTrigger, type StepStatus, type ToolName } from '@flowmate/contracts';
import { stepIdOf, toolStepKey, type AgentRunEntity, type AgentRunSummary, type LinkedAgent, type ReusedFrom, type StepWithPreviews, type StoredModelCall } from '@flowmate/db';

const RUN_SUMMARY_STEP_KEY = toolStepKey(RUN_SUMMARY.microAgentKey, RUN_SUMMARY.stepId);
const PLAN_STEP_KEY = toolStepKey(DELEGATION_PLAN.microAgentKey, DELEGATION_PLAN.stepId);
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { agentVersionPath } from '../../agents/versions/agent-version.dto';
import type { ApprovalDto } from '../../approvals/dto/approval.dto';
import { PageQueryDto } from '../../common/page-query.dto';

export class StartRunDto {
  @ApiPropertyOptional({ description: 'Read by {{input.…}} templates', example: { owner: 'acme' } })
  @IsOptional()
  @IsObject()
  input?: Record<string, JsonValue>;
}

export class DelegateTaskDto {
  @ApiProperty({ description: 'What the main agent should get done with your agents', example: 'Post a digest of open pull requests to #dev' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(DEFINITION_LIMITS.instructionsLength)
  task!: string;

  @ApiPropertyOptional({ description: 'Only these agents (default: your newest 20)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DEFINITION_LIMITS.microAgents)
  @IsUUID('all', { each: true })
  agentIds?: string[];

  @ApiPropertyOptional({ description: 'Read by {{input.…}} templates of the chosen micro agents' })
  @IsOptional()
  @IsObject()
  input?: Record<string, JsonValue>;
}

export class ListRunsQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  agentId?: string;

  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: RunStatus;
}

export interface RunStartedDto {
  runId: string;
  workflowId: string;
  status: RunStatus;
  temporalUiUrl: string;
}

export interface RunSummaryDto {
  id: string;
  /** Null on a delegated run: `agents` lists the agents it used. */
  agentId: string | null;
  agentVersion: number | null;
  task: string | null;
  agents: LinkedAgent[] | null;
  trigger: RunTrigger;
  status: RunStatus;
  /** `concurrency` while the agent's concurrency policy holds this queued run back. */
  heldBy: RunHold | null;
  /** The run this one reran. */
  rerunOf: string | null;
  /** A scheduled run: the time its schedule fired for. */
  scheduledAt: string | null;
  workflowId: string;
  temporalUiUrl: string;
  error: RunError | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface StepDto {
  id: string;
  /** `tool` for a tool call, `llm` for a model call of an LLM micro agent. */
  kind: 'tool' | 'llm';
  tool: ToolName | null;
  /** A tool call a model asked for: the id the model gave it. */
  toolCallId: string | null;
  /** A step that asked a model: the tokens every attempt used, prompts and answers. */
  tokens: number | null;
  /** The provider and model that answered, when one did. */
  answeredBy: { provider: string; model: string } | null;
  /** Every model call of every attempt, in order: a fallback shows as a failed call with its reason, then the next model's. */
  modelCalls: StoredModelCall[] | null;
  status: StepStatus;
  attempts: number;
  /** Whole up to RUN_OUTPUT_PREVIEW_BYTES; beyond, the head of its JSON text and `inputTruncated: true`. */
  input: JsonValue | null;
  inputTruncated: boolean;
  inputBytes: number | null;
  /** Whole up to RUN_OUTPUT_PREVIEW_BYTES; beyond, the head of its JSON text and `outputTruncated: true`. */
  output: JsonValue | null;
  outputTruncated: boolean;
  outputBytes: number | null;
  error: RunError | null;
  /** A `reused` step of a rerun: the run and step it was first recorded in. */
  reusedFrom: ReusedFrom | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface MicroAgentRunDto {
  key: string;
  status: StepStatus;
  workflowId: string | null;
  /** The step whose output is this micro agent's output (shown in the run's `output` under its key). */
  outputStepId: string | null;
  error: RunError | null;
  /** A `reused` micro agent of a rerun: the run and micro agent its output was first recorded in. */
  reusedFrom: ReusedFrom | null;
  startedAt: string | null;
  finishedAt: string | null;
  steps: StepDto[];
}

export interface RunDto extends RunSummaryDto {
  /** Where the agent version this run used is read (`GET /agents/:id/versions/:version`); null on a delegated run or once its agent is gone. */
  agentVersionUrl: string | null;
  input: JsonValue;
  /** A succeeded run's micro-agent outputs by key, as previews, and the main agent's `summary` when it wrote one. */
  output: Record<string, JsonValue | null> | null;
  microAgents: MicroAgentRunDto[];
  /** Calls waiting for a person's decision, oldest first. */
  pendingApprovals: ApprovalDto[];
}

export interface StepOutputDto {
  stepKey: string;
  output: JsonValue;
}

/** Builds the Web UI address of a workflow. */
export type TemporalUiLink = (workflowId: string) => string;

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export const toRunSummary = (run: AgentRunSummary, uiLink: TemporalUiLink): RunSummaryDto => ({
  id: run.id,
  agentId: run.agentId,
  agentVersion: run.agentVersion,
  task: run.task,
  agents: run.agents,
  trigger: run.trigger,
  status: run.status,
  heldBy: run.heldBy,
  rerunOf: run.rerunOf,
  scheduledAt: iso(run.scheduledAt),
  workflowId: run.workflowId,
  temporalUiUrl: uiLink(run.workflowId),
  error: run.error,
  createdAt: run.createdAt.toISOString(),
  startedAt: iso(run.startedAt),
  finishedAt: iso(run.finishedAt),
});

export const toRunStarted = (run: AgentRunEntity, uiLink: TemporalUiLink): RunStartedDto => ({
  runId: run.id,
  workflowId: run.workflowId,
  status: run.status,
  temporalUiUrl: uiLink(run.workflowId),
});

function answeredBy(calls: readonly StoredModelCall[] | null): StepDto['answeredBy'] {
  const answer = calls?.find((call) => call.outcome === 'succeeded');
  return answer ? { provider: answer.provider, model: answer.model } : null;
}

const toStep = (step: StepWithPreviews): StepDto => ({
  id: stepIdOf(step.stepKey, step.microAgentKey),
  kind: step.kind === 'llm' ? 'llm' : 'tool',
  tool: step.tool,
  toolCallId: step.toolCallId,
  tokens: step.tokens,
  answeredBy: answeredBy(step.modelCalls),
  modelCalls: step.modelCalls,
  status: step.status,
  attempts: step.attempts,
  input: step.input.value,
  inputTruncated: step.input.truncated,
  inputBytes: step.input.bytes,
  output: step.output.value,
  outputTruncated: step.output.truncated,
  outputBytes: step.output.bytes,
  error: step.error,
  reusedFrom: step.reusedFrom,
  startedAt: iso(step.startedAt),
  finishedAt: iso(step.finishedAt),
});

/** Expects the run's steps in definition order, as `RunsRepository.findStepsWithPreviews` loads them. */
export function toRunResponse(run: AgentRunEntity, steps: StepWithPreviews[], pendingApprovals: ApprovalDto[], uiLink: TemporalUiLink): RunDto {
  const agents = steps.filter((row) => row.kind === 'micro_agent');
  const outputOf = (agent: StepWithPreviews): JsonValue | null => steps.find((row) => row.stepKey === agent.outputStepKey)?.output.value ?? null;
  const microAgents = agents.map((agent) => ({
    key: agent.microAgentKey,
    status: agent.status,
    workflowId: agent.workflowId,
    outputStepId: agent.outputStepKey && stepIdOf(agent.outputStepKey, agent.microAgentKey),
    error: agent.error,
    reusedFrom: agent.reusedFrom,
    startedAt: iso(agent.startedAt),
    finishedAt: iso(agent.finishedAt),
    steps: steps.filter((row) => row.kind !== 'micro_agent' && row.microAgentKey === agent.microAgentKey).map(toStep),
  }));
  const summary = steps.find((row) => row.stepKey === RUN_SUMMARY_STEP_KEY && row.status === 'succeeded');
  const plan = steps.find((row) => row.stepKey === PLAN_STEP_KEY && row.status === 'succeeded');
  const output =
    run.status === 'succeeded'
      ? {
          ...Object.fromEntries(agents.map((agent) => [agent.microAgentKey, outputOf(agent)])),
          ...(summary ? { [RUN_SUMMARY.outputKey]: summary.output.value } : {}),
          ...(plan ? { [DELEGATION_PLAN.outputKey]: plan.output.value } : {}),
        }
      : null;
  const agentVersionUrl = run.agentId && run.agentVersion !== null ? agentVersionPath(run.agentId, run.agentVersion) : null;
  return { ...toRunSummary(run, uiLink), agentVersionUrl, input: run.input, output, microAgents, pendingApprovals };
}
