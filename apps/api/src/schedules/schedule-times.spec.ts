import { SCHEDULE_DEFAULTS, SCHEDULE_LIMITS, type ScheduleSpec } from '@flowmate/contracts';
import { cronProblem, cronTimes } from './cron';
import { fireTimesIn, previewWindows } from './schedule-times';

const spec = (timing: Pick<ScheduleSpec, 'cron' | 'intervalSeconds'>): ScheduleSpec => ({ ...SCHEDULE_DEFAULTS, paused: false, input: {}, ...timing });
const at = (iso: string): Date => new Date(iso);

describe('cron expressions', () => {
  it('accepts standard 5-field expressions and names what is wrong with others', () => {
    expect(cronProblem('0 9 * * 1-5')).toBeUndefined();
    expect(cronProblem('*/15 8-18 1,15 JAN-MAR MON')).toBeUndefined();
    expect(cronProblem('0 9 * *')).toBe('must have 5 fields (minute, hour, day of month, month, day of week), not 4');
    expect(cronProblem('0 0 9 * * *')).toContain('not 6');
    expect(cronProblem('0 25 * * *')).toContain('not a valid cron expression');
    expect(cronProblem('0 9 * * 1#2')).toBe('day of week "1#2" may hold only numbers, names, *, lists (,), ranges (-) and steps (/)');
    expect(cronProblem('0 9 L * *')).toContain('day of month "L"');
    expect(cronProblem('0 9 ? * *')).toContain('day of month "?"');
  });

  it('reads a restricted day of month and day of week as Temporal does: both must hold', () => {
    const fridays13 = cronTimes('0 9 13 * 5', 'UTC', { from: at('2026-12-01T00:00:00Z'), to: at('2030-01-01T00:00:00Z') }, 3);
    expect(fridays13.map((time) => time.toISOString())).toEqual(['2027-08-13T09:00:00.000Z', '2028-10-13T09:00:00.000Z', '2029-04-13T09:00:00.000Z']);
    expect(cronTimes('0 9 1-7 * SUN', 'UTC', { from: at('2026-12-01T00:00:00Z'), to: at('2027-02-01T00:00:00Z') }, 3).map((time) => time.toISOString())).toEqual([
      '2026-12-06T09:00:00.000Z',
      '2027-01-03T09:00:00.000Z',
    ]);
  });

  it('reads its times in the time zone, across a change of offset', () => {
    expect(cronTimes('0 9 * * *', 'Europe/Paris', { from: at('2027-03-26T12:00:00Z'), to: at('2027-03-29T12:00:00Z') }, 10).map((time) => time.toISOString())).toEqual([
      '2027-03-27T08:00:00.000Z',
      '2027-03-28T07:00:00.000Z',
      '2027-03-29T07:00:00.000Z',
    ]);
  });
});

describe('fireTimesIn', () => {
  const window = { from: at('2026-12-01T00:00:00Z'), to: at('2026-12-01T01:00:00Z') };

  it('counts interval fires at multiples of the interval, and cron fires, in the window', () => {
    expect(fireTimesIn(spec({ intervalSeconds: 900 }), window)).toBe(5);
    expect(fireTimesIn(spec({ intervalSeconds: 900 }), { from: at('2026-12-01T00:00:01Z'), to: at('2026-12-01T00:14:59Z') })).toBe(0);
    expect(fireTimesIn(spec({ cron: '*/20 * * * *' }), window)).toBe(3);
  });

  it('stops counting one past the backfill limit', () => {
    expect(fireTimesIn(spec({ intervalSeconds: 10 }), window)).toBe(SCHEDULE_LIMITS.backfillTimes + 1);
    expect(fireTimesIn(spec({ cron: '* * * * *' }), { ...window, to: at('2026-12-01T03:00:00Z') })).toBe(SCHEDULE_LIMITS.backfillTimes + 1);
  });
});

describe('previewWindows', () => {
  it('starts from what the timing needs and grows until a rare cron is covered', () => {
    const from = at('2026-12-01T00:00:00Z');
    const [first] = previewWindows(spec({ intervalSeconds: 60 }), from, 5);
    expect(first).toEqual({ from, to: at('2026-12-01T00:06:00Z') });
    const windows = [...previewWindows(spec({ cron: '0 0 29 2 *' }), from, 5)];
    expect(windows[0].to.getTime() - from.getTime()).toBe(24 * 3600 * 1000);
    expect(windows.at(-1)?.to.getTime()).toBeGreaterThan(at('2044-03-01T00:00:00Z').getTime());
  });
});
