import {
  DEFINITION_LIMITS,
  DELEGATION_PLAN,
  RUN_STATUSES,
  RUN_SUMMARY,
  RUN_TRIGGERS,
  STEP_STATUSES,
  TOOL_NAMES,
  type JsonValue,
  type RunError,
  type RunHold,
  type RunStatus,
  type RunTrigger,
  type StepStatus,
  type ToolName,
} from '@flowmate/contracts';
import { stepIdOf, toolStepKey, type AgentRunEntity, type AgentRunSummary, type LinkedAgent, type ReusedFrom, type StepWithPreviews, type StoredModelCall } from '@flowmate/db';

const RUN_SUMMARY_STEP_KEY = toolStepKey(RUN_SUMMARY.microAgentKey, RUN_SUMMARY.stepId);
const PLAN_STEP_KEY = toolStepKey(DELEGATION_PLAN.microAgentKey, DELEGATION_PLAN.stepId);
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { agentVersionPath } from '../../agents/versions/agent-version.dto';
import { ApprovalDto } from '../../approvals/dto/approval.dto';
import { JSON_VALUE_SCHEMA } from '../../common/json-value.schema';
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

export class RunErrorDto implements RunError {
  @ApiProperty({ example: 'ToolCallFailed' }) type!: string;
  @ApiProperty({ example: 'github.listPullRequests answered 404' }) message!: string;
}

export class LinkedAgentDto implements LinkedAgent {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'How the main agent named it in its plan' }) ref!: string;
}

export class ReusedFromDto implements ReusedFrom {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty() stepKey!: string;
}

export class RunStartedDto {
  @ApiProperty({ format: 'uuid', example: '7d1f2c3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' }) runId!: string;
  @ApiProperty({ example: 'run-7d1f2c3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' }) workflowId!: string;
  @ApiProperty({ enum: RUN_STATUSES, example: 'queued' }) status!: RunStatus;
  @ApiProperty({ description: 'The run’s workflow in the Temporal Web UI' }) temporalUiUrl!: string;
}

export class RunSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null on a delegated run: `agents` lists the agents it used' }) agentId!: string | null;
  @ApiProperty({ type: Number, nullable: true }) agentVersion!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'A delegated run’s task' }) task!: string | null;
  @ApiProperty({ type: [LinkedAgentDto], nullable: true }) agents!: LinkedAgent[] | null;
  @ApiProperty({ enum: RUN_TRIGGERS }) trigger!: RunTrigger;
  @ApiProperty({ enum: RUN_STATUSES }) status!: RunStatus;
  @ApiProperty({ enum: ['concurrency'], nullable: true, description: '`concurrency` while the agent’s concurrency policy holds this queued run back' }) heldBy!: RunHold | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The run this one reran' }) rerunOf!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'A scheduled run: the time its schedule fired for' }) scheduledAt!: string | null;
  @ApiProperty() workflowId!: string;
  @ApiProperty() temporalUiUrl!: string;
  @ApiProperty({ type: RunErrorDto, nullable: true }) error!: RunError | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}

export class ModelAnswerDto {
  @ApiProperty({ example: 'openai' }) provider!: string;
  @ApiProperty({ example: 'gpt-4o-mini' }) model!: string;
}

export class ModelCallDto extends ModelAnswerDto implements StoredModelCall {
  @ApiProperty() attempt!: number;
  @ApiProperty({ enum: ['succeeded', 'failed'] }) outcome!: 'succeeded' | 'failed';
  @ApiPropertyOptional({ type: RunErrorDto, description: 'Why it failed (`LlmServerError`, `CircuitOpen`, …)' }) error?: RunError;
  @ApiProperty({ description: 'Tokens the provider reported; a failed call usually reports none' }) tokens!: number;
  @ApiProperty() durationMs!: number;
}

export class StepDto {
  @ApiProperty({ example: 'prs' }) id!: string;
  @ApiProperty({ enum: ['tool', 'llm'], description: '`tool` for a tool call, `llm` for a model call of an LLM micro agent' }) kind!: 'tool' | 'llm';
  @ApiProperty({ enum: TOOL_NAMES, nullable: true }) tool!: ToolName | null;
  @ApiProperty({ type: String, nullable: true, description: 'A tool call a model asked for: the id the model gave it' }) toolCallId!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'A step that asked a model: the tokens every attempt used' }) tokens!: number | null;
  @ApiProperty({ type: ModelAnswerDto, nullable: true, description: 'The provider and model that answered, when one did' }) answeredBy!: ModelAnswerDto | null;
  @ApiProperty({ type: [ModelCallDto], nullable: true, description: 'Every model call of every attempt, in order: a fallback shows as a failed call, then the next model’s' })
  modelCalls!: StoredModelCall[] | null;
  @ApiProperty({ enum: STEP_STATUSES }) status!: StepStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty({ ...JSON_VALUE_SCHEMA, nullable: true, description: 'Whole up to RUN_OUTPUT_PREVIEW_BYTES; beyond, the head of its JSON text and `inputTruncated: true`' })
  input!: JsonValue | null;
  @ApiProperty() inputTruncated!: boolean;
  @ApiProperty({ type: Number, nullable: true }) inputBytes!: number | null;
  @ApiProperty({ ...JSON_VALUE_SCHEMA, nullable: true, description: 'Whole up to RUN_OUTPUT_PREVIEW_BYTES; beyond, the head of its JSON text and `outputTruncated: true`' })
  output!: JsonValue | null;
  @ApiProperty() outputTruncated!: boolean;
  @ApiProperty({ type: Number, nullable: true }) outputBytes!: number | null;
  @ApiProperty({ type: RunErrorDto, nullable: true }) error!: RunError | null;
  @ApiProperty({ type: ReusedFromDto, nullable: true, description: 'A `reused` step of a rerun: the run and step it was first recorded in' }) reusedFrom!: ReusedFrom | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}

export class MicroAgentRunDto {
  @ApiProperty({ example: 'collect' }) key!: string;
  @ApiProperty({ enum: STEP_STATUSES }) status!: StepStatus;
  @ApiProperty({ type: String, nullable: true }) workflowId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The step whose output is this micro agent’s output (in the run’s `output` under its key)' }) outputStepId!: string | null;
  @ApiProperty({ type: RunErrorDto, nullable: true }) error!: RunError | null;
  @ApiProperty({ type: ReusedFromDto, nullable: true, description: 'A `reused` micro agent of a rerun: the run and micro agent its output was first recorded in' }) reusedFrom!: ReusedFrom | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: [StepDto] }) steps!: StepDto[];
}

export class StuckDto {
  @ApiProperty({ example: 'run-5b0f3c1e-9d2a-4c7b-8e1f-2a3b4c5d6e7f' }) workflowId!: string;
  @ApiProperty({ description: 'Workflow tasks that failed in a row; Temporal keeps retrying, and fixed workflow code heals the run' }) failedWorkflowTasks!: number;
  @ApiProperty({ example: 'WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR: Nondeterminism error: …' }) reason!: string;
}

export class RunDto extends RunSummaryDto {
  @ApiProperty({ type: String, nullable: true, description: 'Where the agent version this run used is read; null on a delegated run or once its agent is gone' })
  agentVersionUrl!: string | null;
  @ApiProperty({ ...JSON_VALUE_SCHEMA }) input!: JsonValue;
  @ApiProperty({
    type: 'object',
    additionalProperties: JSON_VALUE_SCHEMA,
    nullable: true,
    description: 'A succeeded run’s micro-agent outputs by key, as previews, and the main agent’s `summary` when it wrote one',
  })
  output!: Record<string, JsonValue | null> | null;
  @ApiProperty({ type: [MicroAgentRunDto] }) microAgents!: MicroAgentRunDto[];
  @ApiProperty({ type: [ApprovalDto], description: 'Calls waiting for a person’s decision, oldest first' }) pendingApprovals!: ApprovalDto[];
  @ApiProperty({
    type: StuckDto,
    nullable: true,
    description: 'Set while one of the run’s workflows cannot move because its workflow task keeps failing (for example workflow code deployed that its history does not fit)',
  })
  stuck!: StuckDto | null;
}

export class StepOutputDto {
  @ApiProperty({ example: 'collect/prs' }) stepKey!: string;
  @ApiProperty({ ...JSON_VALUE_SCHEMA, description: 'The whole output' }) output!: JsonValue;
}

/** `CancelRequested` as it is sent: its date in ISO 8601. */
export class CancelRequestedDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ format: 'date-time' }) cancelRequestedAt!: string;
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
export function toRunResponse(run: AgentRunEntity, steps: StepWithPreviews[], pendingApprovals: ApprovalDto[], uiLink: TemporalUiLink, stuck: StuckDto | null): RunDto {
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
  return { ...toRunSummary(run, uiLink), agentVersionUrl, input: run.input, output, microAgents, pendingApprovals, stuck };
}
