import {
  FAILURE_TYPES,
  listTemplateReferences,
  parseTemplateExpression,
  resolveTemplates,
  TemplateError,
  type JsonObject,
  type JsonValue,
  type ModelCallRecord,
  type ToolName,
} from '@flowmate/contracts';
import { checkResolvedArgs } from '@flowmate/contracts/validation';
import { toolStepKey, type RunHistoryRepository, type TemplateNeeds, type ToolStepRef } from '@flowmate/db';
import { Context } from '@temporalio/activity';
import { backOff } from 'exponential-backoff';
import { ApplicationFailure } from '@temporalio/common';
import { noFailpoints, type ReachFailpoint } from './failpoints';
import { withHeartbeats } from './heartbeats';
import { redactSecrets } from './redact-secrets';
import { beginStepAttempt, modelFacts, recordCallFailure } from './step-attempts';
import type { ToolExecutor } from './tools/tool-executor';

export interface ToolDependencies {
  history: RunHistoryRepository;
  tools: Record<ToolName, ToolExecutor>;
  failpoint?: ReachFailpoint;
}

export interface ToolStepRequest extends ToolStepRef {
  /**
   * As written in the definition; templates are resolved here, from Postgres, so outputs stay out of
   * history. Absent for a call a model asked for: its arguments were stored with the step, and are taken
   * literally.
   */
  args?: JsonObject;
}

export interface ToolStepOutcome {
  stepKey: string;
  outputBytes: number;
}

const STORE_ATTEMPTS = 4;

export const createToolActivities = ({ history, tools, failpoint = noFailpoints }: ToolDependencies) => ({
  /** One tool call: records its own start and result, so a step costs one activity; a step that succeeded is never called again. */
  async runToolStep(request: ToolStepRequest): Promise<ToolStepOutcome> {
    const context = Context.current();
    const { info, cancellationSignal } = context;
    const { args: _writtenArgs, ...step } = request;
    const stepKey = toolStepKey(request.microAgentKey, request.stepId);
    const stored = await beginStepAttempt(history, step);
    if (stored) return { stepKey, outputBytes: stored.outputBytes };
    let resolvedArgs: JsonObject | undefined;
    let output: JsonValue;
    let modelCalls: readonly ModelCallRecord[] | undefined;
    try {
      resolvedArgs = request.args ? await resolveArgs(history, request, request.args) : ((await history.loadPlannedArgs(step)) as JsonObject);
      const args = resolvedArgs;
      output = await withHeartbeats(context, () =>
        tools[request.tool](args, {
          signal: cancellationSignal,
          idempotencyKey: `${request.runId}:${stepKey}`,
          onModelCalls: (calls) => {
            modelCalls = calls;
          },
        }),
      );
    } catch (error) {
      throw await recordCallFailure(history, step, error, resolvedArgs && redactSecrets(resolvedArgs), modelCalls);
    }
    await storeResult(() => history.markStepSucceeded(step, info.attempt, redactSecrets(resolvedArgs), output, modelFacts(modelCalls)));
    await failpoint('tool-result-stored');
    return { stepKey, outputBytes: Buffer.byteLength(JSON.stringify(output)) };
  },
});

/**
 * The call has happened; retrying the activity would make it again (a second POST). So a failed save is
 * retried here, briefly, and then fails the step for good rather than calling the tool once more.
 */
async function storeResult(save: () => Promise<void>): Promise<void> {
  try {
    await backOff(save, { numOfAttempts: STORE_ATTEMPTS, startingDelay: 200 });
  } catch (error) {
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.resultNotStored,
      message: `the tool call succeeded but its result could not be stored: ${(error as Error).message}`,
      nonRetryable: true,
    });
  }
}

export type ToolActivities = ReturnType<typeof createToolActivities>;

async function resolveArgs(history: RunHistoryRepository, request: ToolStepRef, args: JsonObject): Promise<JsonObject> {
  let resolved: JsonValue;
  try {
    const context = await history.loadTemplateContext(request.runId, request.microAgentKey, templateNeeds(args));
    resolved = resolveTemplates(args, context);
  } catch (error) {
    if (error instanceof TemplateError) {
      throw ApplicationFailure.create({ type: FAILURE_TYPES.template, message: error.message, nonRetryable: true });
    }
    throw error;
  }
  const problems = checkResolvedArgs(request.tool, resolved);
  if (problems.length > 0) {
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.invalidToolArguments,
      message: `${request.tool} arguments after templates: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      nonRetryable: true,
    });
  }
  return resolved as JsonObject;
}

function templateNeeds(args: JsonObject): TemplateNeeds {
  const needs: TemplateNeeds = { agentKeys: [], stepIds: [] };
  for (const { expression } of listTemplateReferences(args)) {
    const reference = parseTemplateExpression(expression);
    if (reference.root === 'agents') needs.agentKeys.push(reference.key);
    if (reference.root === 'steps') needs.stepIds.push(reference.id);
  }
  return needs;
}
