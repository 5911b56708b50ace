import {
  FAILURE_TYPES,
  isJsonObject,
  listTemplateReferences,
  mustacheReferences,
  WHOLE_TEMPLATE_PATTERN,
  parseTemplateExpression,
  resolveTemplates,
  TemplateError,
  type JsonObject,
  type JsonValue,
  type TemplateContext,
} from '@flowmate/contracts';
import { checkResolvedArgs } from '@flowmate/contracts/validation';
import type { RunHistoryRepository, TemplateNeeds, ToolStepRef } from '@flowmate/db';
import { ApplicationFailure } from '@temporalio/common';
import type { SecretReader } from './secret-reader';

/** Arguments for the call (secrets decrypted) and for the step's record (each secret as its `{{secrets.<name>}}`). */
export interface ResolvedArgs {
  call: JsonObject;
  recorded: JsonObject;
}

export type ReadSecrets = (names: readonly string[]) => Promise<Record<string, string>>;

/** A model's arguments are taken literally: no template of theirs is resolved, so a model never reaches a secret. */
export const literalArgs = (args: JsonObject): ResolvedArgs => ({ call: args, recorded: args });

export function memoised<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

export function secretsOf(secrets: SecretReader | undefined, owner: () => Promise<string>): ReadSecrets {
  return async (names) => (names.length === 0 || !secrets ? {} : secrets.read(await owner(), names));
}

/** Where text.render's data holds the values its template's engine references stood for. */
const TEMPLATE_VALUES = 'flowmateValues';
const WHOLE_TEMPLATE = new RegExp(WHOLE_TEMPLATE_PATTERN);

/** Resolves a step's templates from Postgres and checks the result against the tool's schema. */
export async function resolveArgs(history: RunHistoryRepository, request: ToolStepRef, written: JsonObject, readSecrets: ReadSecrets): Promise<ResolvedArgs> {
  const args = request.tool === 'text.render' ? valuesAsMustacheData(written) : written;
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
  if (args !== written) {
    resolved = withTemplateValuesAsText(resolved as JsonObject);
    recorded = withTemplateValuesAsText(recorded as JsonObject);
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

/**
 * text.render: the engine references inside its Mustache template become Mustache variables over its
 * data, so a value (a webhook's title, a model's words) is rendered as text, never parsed as Mustache.
 * A template that is one whole reference is the author's choice of a template from data, and stays one;
 * data given as one whole reference keeps the references inline, as its shape is unknown until resolved.
 */
function valuesAsMustacheData(args: JsonObject): JsonObject {
  const { template, data } = args;
  if (typeof template !== 'string' || WHOLE_TEMPLATE.test(template) || (data !== undefined && !isJsonObject(data))) return args;
  const rewritten = mustacheReferences(template, TEMPLATE_VALUES);
  if (rewritten.references.length === 0) return args;
  return { ...args, template: rewritten.template, data: { ...data, [TEMPLATE_VALUES]: rewritten.references } };
}

/** Values that are not text read as their JSON, as they would inline. */
function withTemplateValuesAsText(args: JsonObject): JsonObject {
  const data = args.data as JsonObject;
  const values = (data[TEMPLATE_VALUES] as JsonValue[]).map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
  return { ...args, data: { ...data, [TEMPLATE_VALUES]: values } };
}
