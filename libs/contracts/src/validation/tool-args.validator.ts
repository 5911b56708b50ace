import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { WHOLE_TEMPLATE_PATTERN } from '../templates';
import { TOOLS, type JsonSchema, type ToolName } from '../tools';
import { ajvProblems } from './ajv-problems';
import type { ValidationProblem } from './validation-problem';

const WHOLE_TEMPLATE_SCHEMA = { type: 'string', pattern: WHOLE_TEMPLATE_PATTERN };
const TEMPLATE_BRANCH = /^#\/properties\/[^/]+\/anyOf\/1\//;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

/** Arguments as written in a definition: any top-level argument may be one whole template, typed at run time. */
const definitionValidators = new Map<ToolName, ValidateFunction>();
/** Arguments after template resolution, just before the tool runs. */
const resolvedValidators = new Map<ToolName, ValidateFunction>();

export function checkDefinitionArgs(tool: ToolName, args: unknown, path: string): ValidationProblem[] {
  const validate = cached(definitionValidators, tool, () => ajv.compile(allowWholeTemplates(TOOLS[tool].argsSchema)));
  return validate(args) ? [] : toProblems(validate.errors ?? [], path);
}

export function checkResolvedArgs(tool: ToolName, args: unknown): ValidationProblem[] {
  const validate = cached(resolvedValidators, tool, () => ajv.compile(TOOLS[tool].argsSchema));
  return validate(args) ? [] : toProblems(validate.errors ?? [], 'args');
}

function cached(cache: Map<ToolName, ValidateFunction>, tool: ToolName, compile: () => ValidateFunction): ValidateFunction {
  const existing = cache.get(tool);
  if (existing) return existing;
  const created = compile();
  cache.set(tool, created);
  return created;
}

function allowWholeTemplates(schema: JsonSchema): JsonSchema {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return {
    ...schema,
    properties: Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, { anyOf: [property, WHOLE_TEMPLATE_SCHEMA] }]),
    ),
  };
}

function toProblems(errors: readonly ErrorObject[], path: string): ValidationProblem[] {
  return ajvProblems(
    errors.filter((error) => error.keyword !== 'anyOf' && !TEMPLATE_BRANCH.test(error.schemaPath)),
    path,
    'is not an argument of this tool',
  );
}
