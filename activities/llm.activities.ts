import {
  FAILURE_TYPES,
  keywordPlan,
  DELEGATION_PLAN,
  TOOLS,
  toolFunctionName,
  toolOfFunctionName,
  type CandidateSummary,
  type DelegationPlan,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  type ModelChoice,
  type ResponseFormat,
  type RunError,
  type ToolName,
} from '@flowmate/contracts';
import { checkResolvedArgs } from '@flowmate/contracts/validation';
import { toolStepKey, type ModelStepRef, type PlannedToolCall, type RunHistoryRepository, type TranscriptRow } from '@flowmate/db';
import type { ModelAnswer } from '@flowmate/integrations';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import { withHeartbeats } from './heartbeats';
import { beginStepAttempt, modelFacts, recordCallFailure } from './step-attempts';
import { answerOf, MODEL_NOT_CONFIGURED, modelRoute, type ModelAccess } from './model-answer';

type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export interface LlmDependencies {
  history: RunHistoryRepository;
  models: ModelAccess;
  /** Tool results longer than this reach the model as the head of their JSON. */
  previewBytes: number;
}

export interface ModelCallRequest {
  runId: string;
  microAgentKey: string;
  stepId: string;
  position: number;
  /** The micro agent's or the agent's (a name or a fallback chain); OPENAI_MODEL when neither names one. */
  model?: ModelChoice;
  tools: ToolName[];
  responseFormat?: ResponseFormat;
  maxTokens?: number;
  /** The first call only: later calls read the whole transcript back from Postgres. */
  prompt?: { system: string; dependsOn: string[] };
  /** Step id and position of the first tool call this model call may ask for. */
  nextToolCall: { number: number; position: number };
  /** Without a model configured, skip the call instead of failing (the main agent's summary is optional). */
  optional?: boolean;
}

/** All the workflow learns of a model call: ids and counts, never the model's words or arguments. */
export interface ModelTurn {
  stepKey: string;
  final: boolean;
  /** An optional call made without a model configured: nothing was called or recorded. */
  skipped?: boolean;
  tokens: number;
  toolCalls: Array<{ stepId: string; position: number; tool: ToolName | null; accepted: boolean }>;
}

/** A model's `tool_calls`, as stored in its step's output (arguments as the model wrote them). */
interface StoredToolCall {
  id: string;
  name: string;
  arguments: string;
}

const CHARS_PER_TOKEN = 4;

export const createLlmActivities = ({ history, models, previewBytes }: LlmDependencies) => ({
  /**
   * One model call of an LLM micro agent: builds the transcript from Postgres, checks the run's token
   * budget, calls the model chain and records the calls and the tool calls the answer asks for as steps.
   */
  async callModel(request: ModelCallRequest): Promise<ModelTurn> {
    const context = Context.current();
    const { info, cancellationSignal } = context;
    const route = modelRoute(models, request.model);
    if (request.optional && !route) return { stepKey: toolStepKey(request.microAgentKey, request.stepId), final: true, skipped: true, tokens: 0, toolCalls: [] };
    const step: ModelStepRef = { runId: request.runId, microAgentKey: request.microAgentKey, stepId: request.stepId, position: request.position, kind: 'llm' };
    const stepKey = toolStepKey(request.microAgentKey, request.stepId);
    if (await beginStepAttempt(history, step)) return turnOf(stepKey, request, await history.loadTranscript(request.runId, request.microAgentKey, previewBytes));
    const failStep = async (error: RunError, answered?: ModelAnswer): Promise<never> => {
      await history.markStepFailed(step, info.attempt, error, undefined, modelFacts(answered?.calls));
      throw ApplicationFailure.create({ type: error.type, message: error.message, nonRetryable: true });
    };
    if (!route) return failStep(MODEL_NOT_CONFIGURED);

    const messages = request.prompt
      ? await firstMessages(history, request, request.prompt, previewBytes)
      : messagesOf(await history.loadTranscript(request.runId, request.microAgentKey, previewBytes));
    // The prompt is stored once, with the first call; later calls are their transcript. (OpenAI's message
    // types are JSON but declare no index signature, hence the cast.)
    const input = (request.prompt ? { models: route.chain, messages } : { models: route.chain }) as unknown as JsonValue;
    if (request.maxTokens !== undefined) {
      const used = await history.tokensUsed(request.runId);
      const estimate = Math.ceil(JSON.stringify(messages).length / CHARS_PER_TOKEN);
      if (used + estimate > request.maxTokens) {
        return failStep({
          type: FAILURE_TYPES.budgetExceeded,
          message: `the run has used ${used} tokens and this model call needs about ${estimate} more, over limits.maxTokens (${request.maxTokens})`,
        });
      }
    }

    let answered: ModelAnswer;
    try {
      answered = await withHeartbeats(context, () =>
        route.gateway.complete(
          route.chain,
          {
            messages,
            ...(request.tools.length > 0 ? { tools: request.tools.map(functionTool) } : {}),
            ...(request.responseFormat === 'json' ? { response_format: { type: 'json_object' as const } } : {}),
          },
          cancellationSignal,
        ),
      );
    } catch (error) {
      throw await recordCallFailure(history, step, error, input);
    }

    const message = answered.completion.choices[0]?.message;
    const tokens = answered.completion.usage?.total_tokens ?? 0;
    const facts = modelFacts(answered.calls);
    const toolCalls: StoredToolCall[] = (message?.tool_calls ?? []).flatMap((call) =>
      call.type === 'function' ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }] : [],
    );
    if (toolCalls.length === 0) {
      const answer = answerOf(message?.content ?? '', request.responseFormat);
      if (answer === undefined) {
        return failStep({ type: FAILURE_TYPES.invalidModelAnswer, message: 'the model was asked for a JSON answer and gave something else' }, answered);
      }
      await history.markStepSucceeded(step, info.attempt, input, answer, { ...facts, finishReason: 'stop' });
      return { stepKey, final: true, tokens, toolCalls: [] };
    }

    const planned = toolCalls.map((call, index) => planToolCall(call, request, index));
    await history.planModelToolCalls(request.runId, request.microAgentKey, planned);
    await history.markStepSucceeded(step, info.attempt, input, { content: message?.content ?? null, toolCalls: toolCalls as unknown as JsonValue }, {
      ...facts,
      finishReason: 'tool_calls',
    });
    return { stepKey, final: false, tokens, toolCalls: planned.map(summaryOf) };
  },
});

export type LlmActivities = ReturnType<typeof createLlmActivities>;

export interface DelegationRequest {
  runId: string;
  task: string;
  candidates: CandidateSummary[];
}

/** The planner's answer, as its JSON Schema (structured output) demands. */
const PLAN_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['reason', 'chosen', 'input'],
  properties: {
    reason: { type: 'string' },
    input: { type: 'string', description: 'A JSON object of the run input the chosen micro agents read (their `inputs`), taken from the task; "{}" when none' },
    chosen: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['agent', 'microAgents', 'reason'],
        properties: { agent: { type: 'string' }, microAgents: { type: 'array', items: { type: 'string' } }, reason: { type: 'string' } },
      },
    },
  },
};

const PLANNER_PROMPT =
  'You route a task to the micro agents that can do it. Each candidate agent has a ref and micro agents with keys. ' +
  'Choose the fewest micro agents that together do the task (their dependencies run too), or none when none fits, and say why. ' +
  'Fill the run input their `inputs` name from the task.';

/**
 * A delegated run's plan: the model chooses micro agents of the candidates (structured output), or, with no
 * model configured, the keyword router does. Stored once as the run's `plan` step.
 */
export const createDelegationActivities = ({ history, models }: Omit<LlmDependencies, 'previewBytes'>) => ({
  async planDelegation(request: DelegationRequest): Promise<DelegationPlan> {
    const context = Context.current();
    const { info, cancellationSignal } = context;
    const step: ModelStepRef = { runId: request.runId, microAgentKey: DELEGATION_PLAN.microAgentKey, stepId: DELEGATION_PLAN.stepId, position: 0, kind: 'plan' };
    if (await beginStepAttempt(history, step)) return (await history.loadPlan(request.runId)) as unknown as DelegationPlan;
    const input = { task: request.task, candidates: request.candidates.map((candidate) => candidate.ref) };
    // The planner never sees step arguments, which may hold secrets: only names, descriptions and instructions.
    const route = modelRoute(models, undefined);
    if (!route) {
      const plan = keywordPlan(request.task, request.candidates);
      await history.linkAgents(request.runId, linkedAgents(plan, request.candidates));
      await history.markStepSucceeded(step, info.attempt, input, plan as unknown as JsonValue);
      return plan;
    }
    let answered: ModelAnswer;
    try {
      answered = await withHeartbeats(context, () =>
        route.gateway.complete(
          route.chain,
          {
            messages: [
              { role: 'system', content: PLANNER_PROMPT },
              { role: 'user', content: JSON.stringify({ task: request.task, candidates: request.candidates }) },
            ],
            response_format: { type: 'json_schema', json_schema: { name: 'delegation_plan', strict: true, schema: PLAN_SCHEMA } },
          },
          cancellationSignal,
        ),
      );
    } catch (error) {
      throw await recordCallFailure(history, step, error, input);
    }
    const answer = answerOf(answered.completion.choices[0]?.message.content ?? '', 'json') as Omit<DelegationPlan, 'planner'> | undefined;
    if (!answer || !Array.isArray(answer.chosen)) {
      const error = { type: FAILURE_TYPES.invalidModelAnswer, message: 'the planner did not answer with a plan' };
      await history.markStepFailed(step, info.attempt, error, input, modelFacts(answered.calls));
      throw ApplicationFailure.create({ ...error, nonRetryable: true });
    }
    const plan: DelegationPlan = {
      planner: 'model',
      reason: String(answer.reason ?? ''),
      chosen: answer.chosen.filter((entry) => knownChoice(entry, request.candidates)),
      ...plannedInput((answer as { input?: unknown }).input),
    };
    await history.linkAgents(request.runId, linkedAgents(plan, request.candidates));
    if (plan.input) await history.addRunInput(request.runId, plan.input);
    await history.markStepSucceeded(step, info.attempt, input, plan as unknown as JsonValue, { ...modelFacts(answered.calls), finishReason: 'stop' });
    return plan;
  },
});

export type DelegationActivities = ReturnType<typeof createDelegationActivities>;

/** The planner's input, when it is a JSON object; anything else is no input. */
function plannedInput(text: unknown): Pick<DelegationPlan, 'input'> {
  const input = typeof text === 'string' ? answerOf(text, 'json') : undefined;
  return isJsonObject(input ?? null) && Object.keys(input as object).length > 0 ? { input: input as JsonObject } : {};
}

function linkedAgents(plan: DelegationPlan, candidates: readonly CandidateSummary[]): Array<{ id: string; version: number; ref: string }> {
  return plan.chosen.flatMap(({ agent }) => {
    const candidate = candidates.find((each) => each.ref === agent);
    return candidate ? [{ id: candidate.agentId, version: candidate.agentVersion, ref: candidate.ref }] : [];
  });
}

/** A model may name agents or micro agents that do not exist; those are dropped. */
function knownChoice(entry: DelegationPlan['chosen'][number], candidates: readonly CandidateSummary[]): boolean {
  const candidate = candidates.find((each) => each.ref === entry.agent);
  if (!candidate || !Array.isArray(entry.microAgents)) return false;
  entry.microAgents = entry.microAgents.filter((key) => candidate.microAgents.some((microAgent) => microAgent.key === key));
  return entry.microAgents.length > 0;
}

function functionTool(tool: ToolName): OpenAI.Chat.Completions.ChatCompletionTool {
  return { type: 'function', function: { name: toolFunctionName(tool), description: TOOLS[tool].description, parameters: TOOLS[tool].argsSchema } };
}

/** The run input and the outputs of the micro agents this one depends on (previews), under the system prompt. */
async function firstMessages(
  history: RunHistoryRepository,
  request: ModelCallRequest,
  { system, dependsOn }: NonNullable<ModelCallRequest['prompt']>,
  previewBytes: number,
): Promise<ChatMessage[]> {
  const context = await history.loadTemplateContext(request.runId, request.microAgentKey, { agentKeys: dependsOn, stepIds: [] });
  const outputs = Object.fromEntries(Object.entries(context.agents).map(([key, { output }]) => [key, headOf(output, previewBytes)]));
  const user = [`Run input:\n${JSON.stringify(context.input)}`, ...(dependsOn.length > 0 ? [`Outputs of the steps before you:\n${JSON.stringify(outputs)}`] : [])];
  return [
    { role: 'system', content: system },
    { role: 'user', content: user.join('\n\n') },
  ];
}

/** The transcript so far: the first call's prompt, then each model call's answer and its tool results. */
function messagesOf(transcript: readonly TranscriptRow[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const row of transcript) {
    if (row.kind === 'llm') {
      const input = row.input as { messages?: ChatMessage[] } | null;
      if (input?.messages) messages.push(...input.messages);
      const output = row.output as { content: string | null; toolCalls: StoredToolCall[] } | null;
      if (row.finishReason === 'tool_calls' && output) {
        messages.push({
          role: 'assistant',
          content: output.content,
          tool_calls: output.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
        });
      }
    } else if (row.toolCallId) {
      const content = row.status === 'succeeded' ? JSON.stringify(row.output) : `error: ${row.error?.message ?? row.status}`;
      messages.push({ role: 'tool', tool_call_id: row.toolCallId, content });
    }
  }
  return messages;
}

/** Checks a call the model asked for: a tool this micro agent has, with arguments its schema accepts. */
function planToolCall(call: StoredToolCall, request: ModelCallRequest, index: number): PlannedToolCall {
  const placement = { stepId: `call-${request.nextToolCall.number + index}`, position: request.nextToolCall.position + index, toolCallId: call.id };
  const tool = toolOfFunctionName(call.name);
  if (!tool || !request.tools.includes(tool)) {
    return { ...placement, tool: null, refused: { type: FAILURE_TYPES.invalidToolArguments, message: `there is no tool "${call.name}" here; use one of the tools offered` } };
  }
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    return { ...placement, tool, refused: { type: FAILURE_TYPES.invalidToolArguments, message: 'the arguments are not valid JSON' } };
  }
  const problems = checkResolvedArgs(tool, args);
  if (problems.length > 0) {
    const message = `the arguments do not fit ${call.name}: ${problems.map((problem) => `${problem.path || '(root)'} ${problem.message}`).join('; ')}`;
    return { ...placement, tool, refused: { type: FAILURE_TYPES.invalidToolArguments, message } };
  }
  return { ...placement, tool, args: args as JsonValue };
}

const summaryOf = (call: PlannedToolCall): ModelTurn['toolCalls'][number] => ({
  stepId: call.stepId,
  position: call.position,
  tool: call.tool,
  accepted: call.refused === undefined,
});

/** What an earlier attempt of this model call recorded, read back after its worker died before reporting it. */
function turnOf(stepKey: string, request: ModelCallRequest, transcript: readonly TranscriptRow[]): ModelTurn {
  const row = transcript.find((candidate) => candidate.stepKey === stepKey) as TranscriptRow;
  const requested = (row.output as { toolCalls?: StoredToolCall[] } | null)?.toolCalls ?? [];
  const toolCalls = requested.map((call, index) => {
    const planned = transcript.find((candidate) => candidate.toolCallId === call.id);
    return {
      stepId: `call-${request.nextToolCall.number + index}`,
      position: request.nextToolCall.position + index,
      tool: planned?.tool ?? null,
      accepted: planned !== undefined && planned.status !== 'failed',
    };
  });
  return { stepKey, final: row.finishReason === 'stop', tokens: row.tokens ?? 0, toolCalls };
}

function headOf(value: JsonValue, maxChars: number): JsonValue {
  const text = JSON.stringify(value);
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : value;
}
