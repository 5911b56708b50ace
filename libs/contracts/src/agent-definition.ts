import type { JsonObject } from './json';
import type { ModelChoice } from './models';
import type { ToolName } from './tools';

export interface ToolStep {
  id: string;
  tool: ToolName;
  args: JsonObject;
}

/** How an LLM micro agent answers: plain text (`{text}`) or a JSON value it was asked for. */
export type ResponseFormat = 'text' | 'json';

export interface MicroAgentDefinition {
  key: string;
  description?: string;
  dependsOn?: string[];
  tools: ToolName[];
  /** Deterministic mode: these tool calls, in order, no model. */
  steps?: ToolStep[];
  /** LLM mode (no `steps`): what the model works towards, calling `tools` as it sees fit. */
  instructions?: string;
  /** Overrides the agent's `model`, which overrides OPENAI_MODEL; a list is a fallback chain. */
  model?: ModelChoice;
  responseFormat?: ResponseFormat;
  /** A person approves each call of these tools before it is made. */
  requiresApproval?: ApprovalPolicy;
}

/** What happens to a paused call nobody decided on within `timeoutSeconds`. */
export const APPROVAL_TIMEOUT_OUTCOMES = ['reject', 'approve'] as const;
export type ApprovalTimeoutOutcome = (typeof APPROVAL_TIMEOUT_OUTCOMES)[number];

export interface ApprovalPolicy {
  tools: ToolName[];
  timeoutSeconds: number;
  onTimeout: ApprovalTimeoutOutcome;
}

/** What a new run does while another run of the same agent is queued, running or waiting for approval. */
export const CONCURRENCY_POLICIES = ['allow', 'reject', 'queue', 'replace'] as const;
export type ConcurrencyPolicy = (typeof CONCURRENCY_POLICIES)[number];

export interface AgentConcurrency {
  policy: ConcurrencyPolicy;
}

/** Starts a run for each matching GitHub webhook event of a repository its owner can read. */
export interface GitHubTrigger {
  type: 'github';
  /** `pull_request` (any action) or `pull_request.opened` (one action); `issues`, `push`, … likewise. */
  events: string[];
  /** `owner/name`. */
  repository: string;
}

export type AgentTrigger = GitHubTrigger;

/** Where the owner hears that a run waits for approval or failed. */
export interface AgentNotify {
  slackChannel: string;
}

/** An LLM micro agent runs a model loop; one with steps runs them. */
export const isLlmMicroAgent = (agent: MicroAgentDefinition): boolean => !agent.steps?.length;

export interface AgentLimits {
  /** Tool calls one LLM micro agent may make; a definition's steps may not exceed it either. */
  maxToolCalls?: number;
  /** Model tokens the whole run may use, prompts and answers alike. */
  maxTokens?: number;
  timeoutSeconds?: number;
}

export interface AgentDefinition {
  name: string;
  description?: string;
  instructions?: string;
  model?: ModelChoice;
  microAgents: MicroAgentDefinition[];
  limits?: AgentLimits;
  concurrency?: AgentConcurrency;
  notify?: AgentNotify;
  triggers?: AgentTrigger[];
  /** A JSON Schema (type "object") of the run input: every start is checked against it, and `{{input.x}}` must name a declared property. */
  inputSchema?: JsonObject;
}

export const DEFINITION_LIMITS = {
  nameLength: 100,
  descriptionLength: 1000,
  instructionsLength: 5000,
  microAgents: 20,
  stepsPerMicroAgent: 50,
  maxToolCalls: 1000,
  maxTokens: 10_000_000,
  modelLength: 100,
  timeoutSeconds: 86_400,
  approvalTimeoutSeconds: 7 * 86_400,
  slackChannelLength: 80,
  triggers: 10,
  triggerEvents: 20,
  repositoryPattern: /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/,
  webhookEventPattern: /^[a-z_]{1,50}(\.[a-z_]{1,50})?$/,
  keyPattern: /^[a-z][a-z0-9-]{0,39}$/,
  stepIdPattern: /^[a-z][a-zA-Z0-9_-]{0,39}$/,
} as const;
