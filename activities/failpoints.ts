import { log } from '@temporalio/activity';

/** Places in an activity where a test can freeze the worker, to kill its process right there. */
export const FAILPOINTS = ['tool-result-stored'] as const;
export type Failpoint = (typeof FAILPOINTS)[number];

/** Resolves at once, unless the failpoint is armed: an armed one never resolves. */
export type ReachFailpoint = (name: Failpoint) => Promise<void>;

export const noFailpoints: ReachFailpoint = () => Promise.resolve();

/** Arms the named failpoints (`TEST_FAILPOINTS`, which the config accepts only when NODE_ENV=test). */
export function armFailpoints(names: readonly string[]): ReachFailpoint {
  const unknown = names.filter((name) => !(FAILPOINTS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`TEST_FAILPOINTS names unknown failpoints: ${unknown.join(', ')} (known: ${FAILPOINTS.join(', ')})`);
  if (names.length === 0) return noFailpoints;
  const armed = new Set<string>(names);
  return (name) => {
    if (!armed.has(name)) return Promise.resolve();
    log.warn(`failpoint ${name} reached: this activity stays here until the process is killed`);
    return new Promise<void>(() => undefined);
  };
}
