import { Connection } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs: number;
  /** Stops the wait with the signal's reason (a shutdown, a crashed process). */
  signal: AbortSignal;
}

/** Resolves when `url` answers 200. */
export async function waitForHttpOk(url: string, options: WaitOptions): Promise<void> {
  await pollUntil(`${url} did not answer 200`, options, async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    await response?.body?.cancel();
    return response?.status === 200;
  });
}

/** Resolves when some worker polls `taskQueue` for workflow tasks. */
export async function waitForTaskQueuePoller(
  target: { address: string; namespace: string; taskQueue: string },
  options: WaitOptions,
): Promise<void> {
  const connection = await Connection.connect({ address: target.address });
  try {
    await pollUntil(`no worker polled task queue "${target.taskQueue}"`, options, async () => {
      const { pollers } = await connection.workflowService.describeTaskQueue({
        namespace: target.namespace,
        taskQueue: { name: target.taskQueue },
      });
      return pollers.length > 0;
    });
  } finally {
    await connection.close();
  }
}

async function pollUntil(failure: string, options: WaitOptions, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    options.signal.throwIfAborted();
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${failure} within ${options.timeoutMs / 1000} s`);
    await sleep(250, undefined, { signal: options.signal }).catch(() => options.signal.throwIfAborted());
  }
}
