import type { RunError } from '@flowmate/contracts';
import { ApplicationFailure, TemporalFailure } from '@temporalio/workflow';

/** The innermost application error of a failure chain (activity or child), as a run error. */
export function toRunError(error: unknown): RunError {
  let current: unknown = error;
  while (current instanceof TemporalFailure && !(current instanceof ApplicationFailure) && current.cause) {
    current = current.cause;
  }
  if (current instanceof ApplicationFailure) return { type: current.type ?? 'ApplicationFailure', message: current.message };
  if (current instanceof Error) return { type: current.name, message: current.message };
  return { type: 'Error', message: String(current) };
}
