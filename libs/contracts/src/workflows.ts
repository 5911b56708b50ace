import { defineSearchAttributeKey, SearchAttributeType, type ActivityOptions, type SearchAttributePair } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AgentDefinition, AgentLimits, MicroAgentDefinition } from './agent-definition';
import type { DelegationCandidate } from './delegation';
import type { ApprovalDecision, ApprovalStatus, RunTrigger, StepStatus } from './run-status';

export const DEFAULT_TASK_QUEUE = 'flowmate';
export const DEFAULT_RUN_TIMEOUT_SECONDS = 3600;

export const WORKFLOW_NAMES = {
  mainAgent: 'mainAgentWorkflow',
  microAgent: 'microAgentWorkflow',
  scheduledRun: 'scheduledRunWorkflow',
  maintenance: 'maintenanceWorkflow',
} as const;

export const runWorkflowId = (runId: string): string => `run-${runId}`;
export const microAgentWorkflowId = (runId: string, key: string): string => `run-${runId}/${key}`;

/** The FlowMate run (and micro agent) a workflow id names, for logs; undefined for a schedule's fire or the maintenance job. */
export function runOfWorkflowId(workflowId: string): { flowmateRunId: string; microAgentKey?: string } | undefined {
  const match = /^run-([0-9a-f-]{36})(?:\/(.+))?$/.exec(workflowId);
  if (!match) return undefined;
  return match[2] === undefined ? { flowmateRunId: match[1] } : { flowmateRunId: match[1], microAgentKey: match[2] };
}

/** A workflow's page in the Temporal Web UI. */
export const workflowUiUrl = (uiUrl: string, namespace: string, workflowId: string): string =>
  `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;

export const SEARCH_ATTRIBUTES = {
  userId: defineSearchAttributeKey('FlowMateUserId', SearchAttributeType.KEYWORD),
  agentId: defineSearchAttributeKey('FlowMateAgentId', SearchAttributeType.KEYWORD),
  trigger: defineSearchAttributeKey('FlowMateTrigger', SearchAttributeType.KEYWORD),
  /** On Temporal Schedules: the task queue of the FlowMate installation that made them, the only ones it may delete. */
  taskQueue: defineSearchAttributeKey('FlowMateTaskQueue', SearchAttributeType.KEYWORD),
} as const;

/** Set by Temporal on a workflow a schedule started: the time it fired for (a backfilled time included). */
export const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** What a run is found by in the Temporal Web UI, however it was started. */
export const mainAgentSearchAttributes = ({ userId, agentId, trigger }: Pick<MainAgentInput, 'userId' | 'agentId' | 'trigger'>): SearchAttributePair[] => [
  { key: SEARCH_ATTRIBUTES.userId, value: userId },
  ...(agentId ? [{ key: SEARCH_ATTRIBUTES.agentId, value: agentId }] : []),
  { key: SEARCH_ATTRIBUTES.trigger, value: trigger },
];

export interface MainAgentInput {
  runId: string;
  userId: string;
  /** Absent on a delegated run, which has no single agent. */
  agentId?: string;
  agentVersion?: number;
  trigger: RunTrigger;
  /** A delegated run's holds only the task as `instructions`; its micro agents come from the plan. */
  definition: AgentDefinition;
  /** A delegated run: the planner picks micro agents of these agents for the task. */
  delegation?: { task: string; candidates: DelegationCandidate[] };
  /** A rerun: these micro agents take their outputs from the run it reruns instead of running again. */
  reuse?: { sourceRunId: string; microAgentKeys: string[] };
}

/** What an agent's Temporal Schedule starts at each fire: the run itself is made when it fires. */
export interface ScheduledRunInput {
  agentId: string;
}

/**
 * The run a fire made: to start as the fire's child, held by the agent's concurrency (under `replace`,
 * with the runs it displaces, to cancel), or refused by it; nothing when the agent is gone.
 */
export type ScheduledRunOpened =
  | { outcome: 'start'; runId: string; workflowId: string; input: MainAgentInput; memo: Record<string, unknown> }
  | { outcome: 'held'; runId: string; displacedWorkflowIds: string[] }
  | { outcome: 'refused'; runId: string }
  | { outcome: 'agentGone' };

export type ScheduledRunResult = { outcome: ScheduledRunOpened['outcome']; runId?: string };

export interface MainAgentResult {
  runId: string;
  microAgents: Record<string, StepStatus>;
}

export interface MicroAgentInput {
  runId: string;
  microAgent: MicroAgentDefinition;
  /** What an LLM micro agent takes from its main agent. */
  agent: Pick<AgentDefinition, 'instructions' | 'model'> & { limits?: Pick<AgentLimits, 'maxToolCalls' | 'maxTokens'> };
  /** Where an LLM loop that continued as new goes on from. */
  resume?: LlmLoopState;
}

/** An LLM loop's counters, all it carries across continue-as-new: the transcript is in Postgres. */
export interface LlmLoopState {
  turn: number;
  position: number;
  toolCalls: number;
  refusedInRow: number;
}

/** Small on purpose: outputs live in Postgres, never in workflow history. */
export interface MicroAgentResult {
  key: string;
  stepsRun: number;
}

/** Signatures the API starts by name, type-checked against the workflow implementations. */
export type MainAgentWorkflow = (input: MainAgentInput) => Promise<MainAgentResult>;
export type MicroAgentWorkflow = (input: MicroAgentInput) => Promise<MicroAgentResult>;
export type ScheduledRunWorkflow = (input: ScheduledRunInput) => Promise<ScheduledRunResult>;

/** What one maintenance pass did. */
export interface MaintenanceReport {
  agentsPurged: number;
  runsPurged: number;
  auditEventsPurged: number;
}
export type MaintenanceWorkflow = () => Promise<MaintenanceReport>;

/** FlowMate's housekeeping (the trash's purge, retention), one Temporal Schedule per installation (task queue). */
export const maintenanceScheduleId = (taskQueue: string): string => `flowmate-maintenance-${taskQueue}`;

/** A purge deletes in batches, heartbeating after each, so a long one is neither cut short nor one long transaction. */
export const MAINTENANCE_ACTIVITY_OPTIONS = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumAttempts: 5 },
} satisfies ActivityOptions;

export interface RunProgress {
  microAgents: Record<string, StepStatus>;
}

export const progressQuery = defineQuery<RunProgress>('progress');

/** A person's answer to a paused tool call, sent to the micro agent's workflow that waits for it. */
export interface ApprovalAnswer {
  approvalId: string;
  decision: ApprovalDecision;
  comment?: string;
  decidedBy: string;
}

/** Whether the answer decided the call; when not, the approval was already decided (by a person or its timeout). */
export interface ApprovalAnswerOutcome {
  applied: boolean;
  status: ApprovalStatus;
}

/** How a paused call was decided, as the micro agent's workflow records it. */
export interface ApprovalVerdict {
  approvalId: string;
  status: Extract<ApprovalStatus, 'approved' | 'rejected'>;
  /** Null when the timeout decided. */
  decidedBy: string | null;
  comment: string | null;
  timedOut: boolean;
}

export const approveUpdate = defineUpdate<ApprovalAnswerOutcome, [ApprovalAnswer]>('approve');

/** Failure types a workflow or activity raises; the API maps them to run errors. */
export const FAILURE_TYPES = {
  template: 'TemplateError',
  invalidToolArguments: 'InvalidToolArguments',
  addressNotAllowed: 'AddressNotAllowed',
  httpClientError: 'HttpClientError',
  httpServerError: 'HttpServerError',
  rateLimited: 'RateLimited',
  network: 'NetworkError',
  timeout: 'Timeout',
  cancelled: 'Cancelled',
  resultNotStored: 'ResultNotStored',
  maxToolCallsExceeded: 'MaxToolCallsExceeded',
  budgetExceeded: 'BudgetExceeded',
  modelNotConfigured: 'ModelNotConfigured',
  invalidModelAnswer: 'InvalidModelAnswer',
  llmServerError: 'LlmServerError',
  llmBadRequest: 'LlmBadRequest',
  llmUnauthorized: 'LlmUnauthorized',
  llmForbidden: 'LlmForbidden',
  llmNotFound: 'LlmNotFound',
  /** An integration tool of a provider the run's owner has not connected. */
  integrationNotConnected: 'IntegrationNotConnected',
  /** The provider refused the stored token and its refresh: the owner must connect again. */
  credentialsNeedReauth: 'CredentialsNeedReauth',
  /** A model chain names a model no configured provider offers (any more). */
  modelNotOffered: 'ModelNotOffered',
  /** The target's circuit breaker is open: refused at once, retried after the cool-down. */
  circuitOpen: 'CircuitOpen',
  /** A person (or the approval's timeout) rejected a paused tool call. */
  approvalRejected: 'ApprovalRejected',
  /** The API accepted a run but could not hand it to Temporal. */
  startFailed: 'StartFailed',
  /** A rerun's source run has no recorded output for a micro agent the rerun was to reuse. */
  reusedOutputMissing: 'ReusedOutputMissing',
  /** A scheduled fire found a run of its agent active, under the concurrency policy `reject`. */
  concurrencyRejected: 'ConcurrencyRejected',
  /** A start nobody could be answered for (a fire, a webhook) had an input its agent's inputSchema refuses. */
  invalidInput: 'InvalidInput',
} as const;

export const TOOL_ACTIVITY_OPTIONS = {
  startToCloseTimeout: '2 minutes',
  // A dead worker's call is retried elsewhere this soon; tools heartbeat every second while they wait.
  heartbeatTimeout: '5 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
  },
} satisfies ActivityOptions;

/** One model call: not side-effecting, so retried like a read; 429 waits come from `nextRetryDelay`. */
export const LLM_ACTIVITY_OPTIONS = {
  // Room for a whole fallback chain (MODEL_CHAIN_LIMIT models, each allowed the client's 60 s) in one attempt.
  startToCloseTimeout: '6 minutes',
  // Heartbeats carry a cancel to the call in flight and move a dead worker's call on.
  heartbeatTimeout: '5 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 8,
  },
} satisfies ActivityOptions;

/** Tool calls an LLM micro agent may make when the definition sets no `limits.maxToolCalls`. */
export const DEFAULT_MAX_TOOL_CALLS = 50;

/**
 * History writes are idempotent upserts: they retry with no attempt cap until Postgres is back, so an
 * outage of any length short of a day delays runs instead of failing them and leaving rows `running`.
 */
export const RUN_HISTORY_ACTIVITY_OPTIONS = {
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
  },
} satisfies ActivityOptions;
