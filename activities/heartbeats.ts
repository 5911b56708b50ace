import type { Context } from '@temporalio/activity';

/** Often enough for the 10-second heartbeat timeout of tool and model calls. */
const HEARTBEAT_INTERVAL_MS = 3_000;

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
