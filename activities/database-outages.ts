import { isDatabaseUnreachable } from '@flowmate/db';
import type { Context } from '@temporalio/activity';
import { backOff } from 'exponential-backoff';
import { withHeartbeats } from './heartbeats';

/** Within an activity's time limit, what waiting out Postgres may not take: the end of the attempt. */
const ATTEMPT_END_MARGIN_MS = 5_000;

export interface OutageBudget {
  /** Epoch ms after which an unreachable Postgres is given up on (and the error thrown). */
  until: number;
  /** Tries for any other error, the first included; 1 retries none. */
  otherErrorTries?: number;
}

/**
 * Runs `work` and tries it again, in this attempt and heartbeating, while Postgres is unreachable and the
 * budget lasts: left to Temporal, each failure would use up one of the step's few attempts, and a retry
 * after the call was made would make it again. A cancelled run stops the waiting.
 */
export function outlastDatabaseOutage<T>(context: Context, { until, otherErrorTries = 1 }: OutageBudget, work: () => Promise<T>): Promise<T> {
  return withHeartbeats(context, () =>
    backOff(work, {
      numOfAttempts: Number.MAX_SAFE_INTEGER,
      startingDelay: 250,
      maxDelay: 5_000,
      jitter: 'full',
      retry: (error: unknown, tries: number) => !context.cancellationSignal.aborted && (isDatabaseUnreachable(error) ? Date.now() < until : tries < otherErrorTries),
    }),
  );
}

/** The latest moment this activity attempt can still report its outcome in. */
export function attemptDeadline(context: Context): number {
  const { currentAttemptScheduledTimestampMs, startToCloseTimeoutMs } = context.info;
  return Math.max(Date.now(), currentAttemptScheduledTimestampMs) + startToCloseTimeoutMs - ATTEMPT_END_MARGIN_MS;
}
