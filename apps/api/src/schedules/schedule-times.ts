import { SCHEDULE_LIMITS, type ScheduleSpec } from '@flowmate/contracts';
import { cronTimes } from './cron';

const DAY_MS = 24 * 3600 * 1000;
/** The longest gap a 5-field cron can leave between two times (29 February): a preview looks no further. */
const LONGEST_CRON_GAP_MS = (4 * 365 + 2) * DAY_MS;

/**
 * Windows to ask for the next `count` times after `from`, each four times longer than the one before:
 * short enough that a frequent schedule's first window is small, long enough to end at a rare one.
 */
export function* previewWindows(spec: ScheduleSpec, from: Date, count: number): Generator<{ from: Date; to: Date }> {
  const first = spec.intervalSeconds !== undefined ? (count + 1) * (spec.intervalSeconds + spec.jitterSeconds) * 1000 : DAY_MS;
  for (let length = first; ; length *= 4) {
    yield { from, to: new Date(from.getTime() + Math.min(length, LONGEST_CRON_GAP_MS * count)) };
    if (length >= LONGEST_CRON_GAP_MS * count) return;
  }
}

/**
 * How many times the spec fires in the window, counted up to one past the backfill limit: enough to refuse
 * a window that holds too many. Interval schedules fire at multiples of the interval since the epoch.
 */
export function fireTimesIn(spec: ScheduleSpec, window: { from: Date; to: Date }): number {
  const limit = SCHEDULE_LIMITS.backfillTimes + 1;
  if (spec.cron !== undefined) return cronTimes(spec.cron, spec.timezone, window, limit).length;
  const every = (spec.intervalSeconds as number) * 1000;
  return Math.min(limit, Math.max(0, Math.floor(window.to.getTime() / every) - Math.ceil(window.from.getTime() / every) + 1));
}
