import type { ErrorObject } from 'ajv';
import { joinPath, type ValidationProblem } from './validation-problem';

/** Ajv's errors as problems located by path under `base`; `unknownProperty` says what an extra property is not. */
export function ajvProblems(errors: readonly ErrorObject[], base: string, unknownProperty: string): ValidationProblem[] {
  return errors.map((error) => ({ path: instancePath(base, error), message: describe(error, unknownProperty) }));
}

function instancePath(base: string, error: ErrorObject): string {
  const segments = error.instancePath.split('/').filter(Boolean);
  if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
  return segments.reduce((at, segment) => joinPath(at, segment), base);
}

function describe(error: ErrorObject, unknownProperty: string): string {
  if (error.keyword === 'additionalProperties') return unknownProperty;
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'enum') return `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return error.message ?? 'is invalid';
}
