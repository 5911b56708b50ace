import { FAILURE_TYPES, type JsonValue, type ModelCallRecord } from '@flowmate/contracts';
import { toolStepKey, type ModelCallFacts, type RunHistoryRepository, type StepRef } from '@flowmate/db';
import { classifyError, ModelChainFailed } from '@flowmate/integrations';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

/**
 * Starts this attempt's step. Resolves to what an earlier attempt stored when that one succeeded (the call
 * is not made again: its worker may have died before reporting), or to undefined when this attempt may
 * make the call. An attempt a later one has superseded throws: Temporal gave up on it and ignores it; so
 * does an attempt of a run whose cancel was asked for, which must not make its call.
 */
export async function beginStepAttempt(history: RunHistoryRepository, step: StepRef): Promise<{ outputBytes: number } | undefined> {
  const { attempt: number } = Context.current().info;
  const attempt = await history.startStepAttempt(step, number);
  if (attempt.started) return undefined;
  if (attempt.succeeded) return attempt.succeeded;
  if (attempt.cancelling) {
    throw ApplicationFailure.create({ type: FAILURE_TYPES.cancelled, message: 'the run is being cancelled: the call was not made', nonRetryable: true });
  }
  throw new Error(`attempt ${number} of step ${toolStepKey(step.microAgentKey, step.stepId)} was superseded by a later attempt`);
}

/** What an attempt's model calls add to its step: the calls, and the tokens they used. */
export function modelFacts(calls: readonly ModelCallRecord[] | undefined): ModelCallFacts | undefined {
  return calls && { modelCalls: calls, tokens: calls.reduce((sum, call) => sum + call.tokens, 0) };
}

/**
 * Records how a call failed (cancelled, or the failure `classifyError` makes of it) with the model calls it
 * made, and returns what to throw.
 */
export async function recordCallFailure(history: RunHistoryRepository, step: StepRef, error: unknown, input?: JsonValue, calls?: readonly ModelCallRecord[]): Promise<unknown> {
  const { info, cancellationSignal } = Context.current();
  if (cancellationSignal.aborted) {
    await history.markStepCancelled(step, info.attempt, input);
    return cancellationSignal.reason;
  }
  const failure = classifyError(error);
  const model = modelFacts(error instanceof ModelChainFailed ? error.calls : calls);
  await history.markStepFailed(step, info.attempt, { type: failure.type ?? 'Error', message: failure.message }, input, model);
  return failure;
}
