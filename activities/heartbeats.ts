import type { Context } from '@temporalio/activity';

/**
 * A cancel reaches a call only in the answer to a heartbeat, so they go often: with the worker's
 * heartbeat throttle (HEARTBEAT_THROTTLE) at the same second, a cancelled call stops within about two.
 */
const HEARTBEAT_INTERVAL_MS = 1_000;

/** For `maxHeartbeatThrottleInterval`: the SDK otherwise holds heartbeats back for 0.8 × the heartbeat timeout. */
export const HEARTBEAT_THROTTLE = '1 second';

/**
 * Heartbeats while a call runs: a dead worker's call moves on at the heartbeat timeout, and a cancelled
 * run reaches the call through the activity's cancellation signal, which only a heartbeat delivers.
 */
export async function withHeartbeats<T>(context: Context, call: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
  try {
    return await call();
  } finally {
    clearInterval(timer);
  }
}
