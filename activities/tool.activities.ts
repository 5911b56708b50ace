import {
  FAILURE_TYPES,
  listTemplateReferences,
  parseTemplateExpression,
  resolveTemplates,
  TemplateError,
  type JsonObject,
  type JsonValue,
  type ModelCallRecord,
  type TemplateContext,
  type ToolName,
  TOOLS,
} from '@flowmate/contracts';
import { checkResolvedArgs } from '@flowmate/contracts/validation';
import { toolStepKey, type RunHistoryRepository, type TemplateNeeds, type ToolStepRef } from '@flowmate/db';
import { Context } from '@temporalio/activity';
import { backOff } from 'exponential-backoff';
import { ApplicationFailure } from '@temporalio/common';
import type { CredentialVault } from './credential-vault';
import { noFailpoints, type ReachFailpoint } from './failpoints';
import { withHeartbeats } from './heartbeats';
import { redactSecrets } from './redact-secrets';
import type { SecretReader } from './secret-reader';
import { beginStepAttempt, modelFacts, recordCallFailure } from './step-attempts';
import type { ToolExecutor } from './tools/tool-executor';

export interface ToolDependencies {
  history: RunHistoryRepository;
  tools: Record<ToolName, ToolExecutor>;
  /** The run owner's connections (integration tools) and secrets (`{{secrets.<name>}}`), decrypted per call. */
  credentials?: { vault: CredentialVault; secrets: SecretReader };
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

export const createToolActivities = ({ history, tools, credentials, failpoint = noFailpoints }: ToolDependencies) => ({
  /** One tool call: records its own start and result, so a step costs one activity; a step that succeeded is never called again. */
  async runToolStep(request: ToolStepRequest): Promise<ToolStepOutcome> {
    const context = Context.current();
    const { info, cancellationSignal } = context;
    const { args: _writtenArgs, ...step } = request;
    const stepKey = toolStepKey(request.microAgentKey, request.stepId);
    const stored = await beginStepAttempt(history, step);
    if (stored) return { stepKey, outputBytes: stored.outputBytes };
    let args: ResolvedArgs | undefined;
    let output: JsonValue;
    let modelCalls: readonly ModelCallRecord[] | undefined;
    const owner = memoised(() => history.runOwner(request.runId));
    try {
      args = request.args ? await resolveArgs(history, request, request.args, secretsOf(credentials, owner)) : literalArgs((await history.loadPlannedArgs(step)) as JsonObject);
      const callArgs = args.call;
      const provider = TOOLS[request.tool].provider;
      const connection = provider ? await vaultOf(credentials).connection(await owner(), provider) : undefined;
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
      throw await recordCallFailure(history, step, error, args && redactSecrets(args.recorded), modelCalls);
    }
    const recorded = redactSecrets(args.recorded);
    await storeResult(() => history.markStepSucceeded(step, info.attempt, recorded, output, modelFacts(modelCalls)));
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

/** Arguments for the call (secrets decrypted) and for the step's record (each secret as its `{{secrets.<name>}}`). */
interface ResolvedArgs {
  call: JsonObject;
  recorded: JsonObject;
}

type ReadSecrets = (names: readonly string[]) => Promise<Record<string, string>>;

/** A model's arguments are taken literally: no template of theirs is resolved, so a model never reaches a secret. */
const literalArgs = (args: JsonObject): ResolvedArgs => ({ call: args, recorded: args });

function memoised<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

function vaultOf(credentials: ToolDependencies['credentials']): CredentialVault {
  if (!credentials) throw new Error('integration tools need the credential vault; the worker was built without one');
  return credentials.vault;
}

function secretsOf(credentials: ToolDependencies['credentials'], owner: () => Promise<string>): ReadSecrets {
  return async (names) => (names.length === 0 || !credentials ? {} : credentials.secrets.read(await owner(), names));
}

async function resolveArgs(history: RunHistoryRepository, request: ToolStepRef, args: JsonObject, readSecrets: ReadSecrets): Promise<ResolvedArgs> {
  let resolved: JsonValue;
  let recorded: JsonValue;
  try {
    const needs = templateNeeds(args);
    const context: TemplateContext = { ...(await history.loadTemplateContext(request.runId, request.microAgentKey, needs)), secrets: await readSecrets(needs.secretNames) };
    resolved = resolveTemplates(args, context);
    // Only a step that names secrets needs a second pass, with each secret standing for its own reference.
    recorded = needs.secretNames.length === 0 ? resolved : resolveTemplates(args, { ...context, secrets: Object.fromEntries(needs.secretNames.map((name) => [name, `{{secrets.${name}}}`])) });
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
  return { call: resolved as JsonObject, recorded: recorded as JsonObject };
}

function templateNeeds(args: JsonObject): TemplateNeeds & { secretNames: string[] } {
  const needs = { agentKeys: [] as string[], stepIds: [] as string[], secretNames: [] as string[] };
  for (const { expression } of listTemplateReferences(args)) {
    const reference = parseTemplateExpression(expression);
    if (reference.root === 'agents') needs.agentKeys.push(reference.key);
    if (reference.root === 'steps') needs.stepIds.push(reference.id);
    if (reference.root === 'secrets') needs.secretNames.push(reference.name);
  }
  return needs;
}
