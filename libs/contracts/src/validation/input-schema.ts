import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonObject, JsonValue } from '../json';
import { ajvProblems } from './ajv-problems';
import type { ValidationProblem } from './validation-problem';

/** Compiled input schemas by their JSON, a bounded number of them (agents' schemas are few and change seldom). */
const compiled = new Map<string, ValidateFunction>();
const COMPILED_LIMIT = 500;

/**
 * A fresh Ajv per schema: a user's schema (its `$id`, its definitions) must never meet another user's in
 * one Ajv's registry, and nothing of it stays behind once its validator is dropped.
 */
function compile(schema: JsonObject): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Why `schema` cannot describe a run's input: not a JSON Schema Ajv accepts (strict), or not of an object. */
export function inputSchemaProblems(schema: JsonObject, path: string): ValidationProblem[] {
  if (schema.type !== 'object') return [{ path: `${path}.type`, message: 'must be "object": a run’s input is a JSON object' }];
  try {
    compile(schema);
    return [];
  } catch (error) {
    return [{ path, message: `is not a valid JSON Schema: ${(error as Error).message}` }];
  }
}

/** The input names the schema declares, which `{{input.<name>}}` templates may read. */
export const declaredInputs = (schema: JsonObject): Set<string> =>
  new Set(schema.properties !== null && typeof schema.properties === 'object' && !Array.isArray(schema.properties) ? Object.keys(schema.properties) : []);

/** Every way `input` does not fit `schema`, by path under `input`. A schema that no longer compiles fits nothing. */
export function runInputProblems(schema: JsonObject, input: JsonValue): ValidationProblem[] {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    try {
      validate = compile(schema);
    } catch (error) {
      return [{ path: 'inputSchema', message: `does not compile, so no input fits it: ${(error as Error).message}` }];
    }
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    compiled.set(key, validate);
  }
  return validate(input) ? [] : ajvProblems(validate.errors ?? [], 'input', 'is not declared in the agent’s inputSchema');
}
