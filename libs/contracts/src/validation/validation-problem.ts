import type { ValidationError } from 'class-validator';

/** One thing wrong with a request, located by its JSON path (`microAgents[1].steps[0].tool`). */
export interface ValidationProblem {
  path: string;
  message: string;
}

export function joinPath(parent: string, property: string | number): string {
  if (typeof property === 'number' || /^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

export function flattenValidationErrors(errors: readonly ValidationError[], parent = ''): ValidationProblem[] {
  return errors.flatMap((error) => {
    const path = joinPath(parent, error.property);
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message: stripPropertyPrefix(message, error.property) }));
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

/** class-validator messages start with the property name, which the path already carries. */
function stripPropertyPrefix(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** Problems as one line, for a run error or a log: `input.owner is required; input.day must be string`. */
export const problemsInOneLine = (problems: readonly ValidationProblem[]): string => problems.map((problem) => `${problem.path} ${problem.message}`).join('; ');
