import { SCHEDULE_DEFAULTS, SEARCH_ATTRIBUTES, WORKFLOW_NAMES, type ScheduleSpec } from '@flowmate/contracts';
import type { ScheduleDescription } from '@temporalio/client';
import { driftOf, scheduleOptionsOf, type ScheduleOwner } from './schedule-options';

const owner = (spec: Partial<ScheduleSpec> = {}): ScheduleOwner => ({
  agentId: 'a1',
  userId: 'u1',
  spec: { intervalSeconds: 60, paused: false, ...SCHEDULE_DEFAULTS, input: { day: 'Monday' }, ...spec },
});

/** What Temporal describes for a schedule written from `owner`: the fields `driftOf` reads. */
function describedAs(schedule: ScheduleOwner, changes: { spec?: object; policies?: object; state?: object; action?: object } = {}): ScheduleDescription {
  const options = scheduleOptionsOf(schedule, 'queue');
  const { spec } = schedule;
  return {
    spec: {
      ...(spec.cron ? { calendars: [{ hour: [{ start: 9, end: 9, step: 1 }] }] } : { intervals: [{ every: (spec.intervalSeconds as number) * 1000, offset: 0 }] }),
      timezone: spec.timezone,
      jitter: spec.jitterSeconds * 1000,
      ...changes.spec,
    },
    policies: { overlap: options.policies?.overlap, catchupWindow: spec.catchupWindowSeconds * 1000, pauseOnFailure: false, ...changes.policies },
    state: { paused: spec.paused, ...changes.state },
    action: { ...options.action, ...changes.action },
  } as unknown as ScheduleDescription;
}

describe('scheduleOptionsOf', () => {
  it('starts the scheduled-run workflow with only the agent id, marked as this installation’s', () => {
    const options = scheduleOptionsOf(owner({ overlap: 'buffer_one', jitterSeconds: 5 }), 'queue');
    expect(options).toMatchObject({
      scheduleId: 'agent-a1',
      spec: { intervals: [{ every: 60_000 }], timezone: 'UTC', jitter: 5_000 },
      action: { type: 'startWorkflow', workflowType: WORKFLOW_NAMES.scheduledRun, workflowId: 'agent-a1', taskQueue: 'queue', args: [{ agentId: 'a1' }] },
      policies: { overlap: 'BUFFER_ONE', catchupWindow: 3_600_000 },
      state: { paused: false },
      typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.taskQueue, value: 'queue' }],
    });
    expect(JSON.stringify(options)).not.toContain('Monday');
    expect(scheduleOptionsOf(owner({ intervalSeconds: undefined, cron: '0 9 * * *', timezone: 'Europe/Paris' }), 'queue').spec).toEqual({
      cronExpressions: ['0 9 * * *'],
      timezone: 'Europe/Paris',
      jitter: 0,
    });
  });
});

describe('driftOf', () => {
  it('finds nothing in a schedule as FlowMate wrote it', () => {
    const schedule = owner();
    expect(driftOf(describedAs(schedule), schedule, scheduleOptionsOf(schedule, 'queue'))).toEqual([]);
    const cron = owner({ intervalSeconds: undefined, cron: '0 9 * * *' });
    expect(driftOf(describedAs(cron), cron, scheduleOptionsOf(cron, 'queue'))).toEqual([]);
  });

  it('names each part changed behind FlowMate’s back', () => {
    const schedule = owner();
    const changed = describedAs(schedule, {
      spec: { intervals: [{ every: 30_000, offset: 0 }], timezone: 'Asia/Tokyo', jitter: 1_000 },
      policies: { overlap: 'ALLOW_ALL', catchupWindow: 60_000 },
      state: { paused: true },
      action: { args: [{ agentId: 'someone-else' }] },
    });
    expect(driftOf(changed, schedule, scheduleOptionsOf(schedule, 'queue'))).toEqual(['timing', 'timezone', 'jitter', 'overlap', 'catchupWindow', 'paused', 'action']);
    const cron = owner({ intervalSeconds: undefined, cron: '0 9 * * *' });
    expect(driftOf(describedAs(schedule), cron, scheduleOptionsOf(cron, 'queue'))).toEqual(['timing']);
  });
});
