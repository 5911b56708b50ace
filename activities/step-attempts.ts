import type { JsonValue } from '@flowmate/contracts';
import { toolStepKey, type RunHistoryRepository, type StepRef } from '@flowmate/db';
import { classifyError } from '@flowmate/integrations';
import { Context } from '@temporalio/activity';

/**
 * Starts this attempt's step. Resolves to what an earlier attempt stored when that one succeeded (the call
 * is not made again: its worker may have died before reporting), or to undefined when this attempt may
 * make the call. An attempt a later one has superseded throws: Temporal gave up on it and ignores it.
 */
export async function beginStepAttempt(history: RunHistoryRepository, step: StepRef): Promise<{ outputBytes: number } | undefined> {
  const { attempt: number } = Context.current().info;
  const attempt = await history.startStepAttempt(step, number);
  if (attempt.started) return undefined;
  if (attempt.succeeded) return attempt.succeeded;
  throw new Error(`attempt ${number} of step ${toolStepKey(step.microAgentKey, step.stepId)} was superseded by a later attempt`);
}

/** Records how a call failed (cancelled, or the failure `classifyError` makes of it) and returns what to throw. */
export async function recordCallFailure(history: RunHistoryRepository, step: StepRef, error: unknown, input?: JsonValue): Promise<unknown> {
  const { info, cancellationSignal } = Context.current();
  if (cancellationSignal.aborted) {
    await history.markStepCancelled(step, info.attempt, input);
    return cancellationSignal.reason;
  }
  const failure = classifyError(error);
  await history.markStepFailed(step, info.attempt, { type: failure.type ?? 'Error', message: failure.message }, input);
  return failure;
}
