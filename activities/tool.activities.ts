import { FAILURE_TYPES, type JsonObject, type JsonValue, type ModelCallRecord, type ToolName, TOOLS } from '@flowmate/contracts';
import { toolStepKey, type RunHistoryRepository, type ToolStepRef } from '@flowmate/db';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkerMetrics } from '@flowmate/observability';
import type { CredentialVault } from './credential-vault';
import { attemptDeadline, outlastDatabaseOutage } from './database-outages';
import { noFailpoints, type ReachFailpoint } from './failpoints';
import { withHeartbeats } from './heartbeats';
import { redactSecrets } from './redact-secrets';
import type { SecretReader } from './secret-reader';
import { beginStepAttempt, modelFacts, recordCallFailure } from './step-attempts';
import { literalArgs, memoised, resolveArgs, secretsOf, type ResolvedArgs } from './tool-args';
import type { ToolExecutor } from './tools/tool-executor';

export interface ToolDependencies {
  history: RunHistoryRepository;
  tools: Record<ToolName, ToolExecutor>;
  /** The run owner's connections (integration tools) and secrets (`{{secrets.<name>}}`), decrypted per call. */
  credentials?: { vault: CredentialVault; secrets: SecretReader };
  failpoint?: ReachFailpoint;
  metrics: Pick<WorkerMetrics, 'toolCalled'>;
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
/** How long the reads before a call wait out an unreachable Postgres; the call and its save need the rest of the attempt. */
const BEFORE_CALL_OUTAGE_MS = 30_000;

export const createToolActivities = ({ history, tools, credentials, failpoint = noFailpoints, metrics }: ToolDependencies) => ({
  /** One tool call: records its own start and result, so a step costs one activity; a step that succeeded is never called again. */
  async runToolStep(request: ToolStepRequest): Promise<ToolStepOutcome> {
    const context = Context.current();
    const { info, cancellationSignal } = context;
    const { args: _writtenArgs, ...step } = request;
    const stepKey = toolStepKey(request.microAgentKey, request.stepId);
    const beforeCall = { until: Date.now() + BEFORE_CALL_OUTAGE_MS };
    const stored = await outlastDatabaseOutage(context, beforeCall, () => beginStepAttempt(history, step));
    if (stored) return { stepKey, outputBytes: stored.outputBytes };
    let args: ResolvedArgs | undefined;
    let output: JsonValue;
    let modelCalls: readonly ModelCallRecord[] | undefined;
    const owner = memoised(() => history.runOwner(request.runId));
    try {
      args = await outlastDatabaseOutage(context, beforeCall, async () =>
        request.args ? resolveArgs(history, request, request.args, secretsOf(credentials?.secrets, owner)) : literalArgs((await history.loadPlannedArgs(step)) as JsonObject),
      );
      const callArgs = args.call;
      const provider = TOOLS[request.tool].provider;
      const connection = provider ? await outlastDatabaseOutage(context, beforeCall, async () => vaultOf(credentials).connection(await owner(), provider)) : undefined;
      output = await withHeartbeats(context, () =>
        tools[request.tool](callArgs, {
          signal: cancellationSignal,
          idempotencyKey: `${request.runId}:${stepKey}`,
          connection,
          onModelCalls: (calls) => {
            modelCalls = calls;
          },
        }),
      );
    } catch (error) {
      metrics.toolCalled({ tool: request.tool, outcome: 'failed', attempt: info.attempt });
      throw await recordCallFailure(history, step, error, args && redactSecrets(args.recorded), modelCalls);
    }
    metrics.toolCalled({ tool: request.tool, outcome: 'succeeded', attempt: info.attempt });
    const recorded = redactSecrets(args.recorded);
    await storeResult(context, () => history.markStepSucceeded(step, info.attempt, recorded, output, modelFacts(modelCalls)));
    await failpoint('tool-result-stored');
    return { stepKey, outputBytes: Buffer.byteLength(JSON.stringify(output)) };
  },
});

/**
 * The call has happened; retrying the activity would make it again (a second POST). So a failed save is
 * retried here: while Postgres is unreachable, until the attempt's time is nearly up; any other error a
 * few times. Then it fails the step for good rather than calling the tool once more.
 */
async function storeResult(context: Context, save: () => Promise<void>): Promise<void> {
  try {
    await outlastDatabaseOutage(context, { until: attemptDeadline(context), otherErrorTries: STORE_ATTEMPTS }, save);
  } catch (error) {
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.resultNotStored,
      message: `the tool call succeeded but its result could not be stored: ${(error as Error).message}`,
      nonRetryable: true,
    });
  }
}

export type ToolActivities = ReturnType<typeof createToolActivities>;

function vaultOf(credentials: ToolDependencies['credentials']): CredentialVault {
  if (!credentials) throw new Error('integration tools need the credential vault; the worker was built without one');
  return credentials.vault;
}
