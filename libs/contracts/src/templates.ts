import { isJsonObject, type JsonValue } from './json';

/**
 * Engine templates: `{{input…}}`, `{{agents.<key>.output…}}`, `{{steps.<id>.output…}}`, `{{secrets.<name>}}`.
 * Any other `{{…}}` (Mustache sections, variables of a tool's own template) is left untouched.
 */
const ENGINE_TEMPLATE = /\{\{\s*((?:input|agents|steps|secrets)(?:\.[^{}\s]*)?)\s*\}\}/g;
const WHOLE_ENGINE_TEMPLATE = /^\{\{\s*((?:input|agents|steps|secrets)(?:\.[^{}\s]*)?)\s*\}\}$/;

/** A user secret's name (`PUT /secrets/:name`), as `{{secrets.<name>}}` writes it. */
export const SECRET_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** A string that is one whole engine template, as a JSON Schema `pattern`. */
export const WHOLE_TEMPLATE_PATTERN = WHOLE_ENGINE_TEMPLATE.source;

export type TemplateReference =
  | { root: 'input'; path: string[]; expression: string }
  | { root: 'agents'; key: string; path: string[]; expression: string }
  | { root: 'steps'; id: string; path: string[]; expression: string }
  | { root: 'secrets'; name: string; path: string[]; expression: string };

export interface TemplateContext {
  input: JsonValue;
  agents: Record<string, { output: JsonValue }>;
  steps: Record<string, { output: JsonValue }>;
  /** Decrypted only inside the tool activity, for the call; never stored or returned. */
  secrets?: Record<string, string>;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

export function parseTemplateExpression(expression: string): TemplateReference {
  const segments = expression.split('.');
  if (segments.some((segment) => segment === '')) {
    throw new TemplateError(`{{${expression}}} has an empty path segment`);
  }
  const [root, ...rest] = segments;
  if (root === 'input') return { root, path: rest, expression };
  if (root === 'secrets') {
    if (rest.length !== 1 || !SECRET_NAME_PATTERN.test(rest[0])) throw new TemplateError(`{{${expression}}} must have the form {{secrets.<name>}}, the name matching ${SECRET_NAME_PATTERN.source}`);
    return { root, name: rest[0], path: [], expression };
  }
  if (root !== 'agents' && root !== 'steps') throw new TemplateError(`{{${expression}}} must start with input, agents, steps or secrets`);
  const [name, output, ...path] = rest;
  if (name === undefined || output !== 'output') {
    throw new TemplateError(`{{${expression}}} must have the form {{${root}.<${root === 'agents' ? 'key' : 'id'}>.output[.path]}}`);
  }
  return root === 'agents'
    ? { root, key: name, path, expression }
    : { root: 'steps', id: name, path, expression };
}

/** Every engine template reference in a value, in document order, with the JSON path it sits at. */
export function listTemplateReferences(value: unknown, at = ''): Array<{ at: string; expression: string }> {
  if (typeof value === 'string') {
    return [...value.matchAll(ENGINE_TEMPLATE)].map((match) => ({ at, expression: match[1] }));
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => listTemplateReferences(item, `${at}[${index}]`));
  }
  if (isJsonObject(value)) {
    return Object.entries(value).flatMap(([key, item]) => listTemplateReferences(item, at ? `${at}.${key}` : key));
  }
  return [];
}

/**
 * A Mustache template's engine references (`{{input.title}}`) as Mustache variables over `key`, each the
 * whole reference it stood for: what they resolve to then reaches Mustache as data, rendered as text and
 * never parsed as a template (a webhook's title may itself read "{{…}}").
 */
export function mustacheReferences(template: string, key: string): { template: string; references: string[] } {
  const references: string[] = [];
  const rewritten = template.replace(ENGINE_TEMPLATE, (reference) => `{{{${key}.${references.push(reference) - 1}}}}`);
  return { template: rewritten, references };
}

/** Replaces engine templates in strings, deep. A string that is one whole template takes the raw value. */
export function resolveTemplates(value: JsonValue, context: TemplateContext): JsonValue {
  if (typeof value === 'string') return resolveString(value, context);
  if (Array.isArray(value)) return value.map((item) => resolveTemplates(item, context));
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveTemplates(item, context)]));
  }
  return value;
}

function resolveString(text: string, context: TemplateContext): JsonValue {
  const whole = WHOLE_ENGINE_TEMPLATE.exec(text);
  if (whole) return lookup(parseTemplateExpression(whole[1]), context);
  return text.replace(ENGINE_TEMPLATE, (_match, expression: string) => {
    const resolved = lookup(parseTemplateExpression(expression), context);
    return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
  });
}

function lookup(reference: TemplateReference, context: TemplateContext): JsonValue {
  const base = baseValue(reference, context);
  const found = reference.path.reduce<JsonValue | undefined>((current, segment) => {
    if (Array.isArray(current) && /^\d+$/.test(segment)) return current[Number(segment)];
    if (isJsonObject(current) && Object.hasOwn(current, segment)) return current[segment];
    return undefined;
  }, base);
  if (found === undefined) throw new TemplateError(`{{${reference.expression}}} has no value`);
  return found;
}

function baseValue(reference: TemplateReference, context: TemplateContext): JsonValue | undefined {
  switch (reference.root) {
    case 'input':
      return context.input;
    case 'agents':
      return context.agents[reference.key]?.output;
    case 'steps':
      return context.steps[reference.id]?.output;
    case 'secrets':
      if (context.secrets?.[reference.name] === undefined) throw new TemplateError(`{{${reference.expression}}}: there is no secret "${reference.name}"; store it with PUT /api/v1/secrets/${reference.name}`);
      return context.secrets[reference.name];
  }
}
