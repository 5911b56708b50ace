import { setTimeout as sleep } from 'node:timers/promises';

/** One run, from asking for it to seeing it end; throws when it did not succeed. */
export type RunOnce = () => Promise<void>;

export interface RunSample {
  latenciesMs: number[];
  failures: string[];
  elapsedMs: number;
}

/** Completed runs per second. */
export const runsPerSecond = (sample: RunSample): number => sample.latenciesMs.length / (sample.elapsedMs / 1000);

/** `concurrency` loops each starting the next run when its last one ended, for `durationMs`: the rate the system sustains. */
export async function closedLoop(run: RunOnce, { concurrency, durationMs }: { concurrency: number; durationMs: number }): Promise<RunSample> {
  const sample: RunSample = { latenciesMs: [], failures: [], elapsedMs: 0 };
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) await timed(run, sample);
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  sample.elapsedMs = performance.now() - started;
  return sample;
}

/** Starts `perSecond` runs a second for `durationMs` whatever the earlier ones do (an open model), then waits for all of them. */
export async function openRate(run: RunOnce, { perSecond, durationMs }: { perSecond: number; durationMs: number }): Promise<RunSample> {
  const sample: RunSample = { latenciesMs: [], failures: [], elapsedMs: 0 };
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let index = 0; index < Math.round((perSecond * durationMs) / 1000); index += 1) {
    await sleep(Math.max(0, started + (index * 1000) / perSecond - performance.now()));
    inFlight.push(timed(run, sample));
  }
  await Promise.all(inFlight);
  sample.elapsedMs = performance.now() - started;
  return sample;
}

async function timed(run: RunOnce, sample: RunSample): Promise<void> {
  const asked = performance.now();
  try {
    await run();
    sample.latenciesMs.push(performance.now() - asked);
  } catch (error) {
    sample.failures.push((error as Error).message);
  }
}
