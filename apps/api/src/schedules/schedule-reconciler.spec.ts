import type { AppConfig } from '@flowmate/config';
import { Logger } from '@nestjs/common';
import type { SchedulesRepository, StoredSchedule } from '@flowmate/db';
import { ScheduleReconciler } from './schedule-reconciler';
import type { TemporalSchedules } from './temporal-schedules';

const stored = (agentId: string): StoredSchedule => ({
  agentId,
  userId: 'user',
  temporalScheduleId: `agent-${agentId}`,
  spec: { intervalSeconds: 600, timezone: 'UTC', paused: false, overlap: 'skip', catchupWindowSeconds: 3600, jitterSeconds: 0, input: {} },
  agentTrashed: false,
  createdAt: new Date(),
  updatedAt: new Date(),
});

/** Postgres holds two schedules Temporal lacks; Temporal refuses to describe the first until `healed`. */
function reconcilerOverTwoMissingSchedules() {
  const state = { healed: false, applied: [] as string[] };
  const schedules = {
    async *all() {
      yield stored('refused');
      yield stored('missing');
    },
    findByAgent: async () => null,
  } as unknown as SchedulesRepository;
  const temporal = {
    ensureMaintenance: async () => false,
    describe: async (agentId: string) => {
      if (agentId === 'refused' && !state.healed) throw new Error('deadline exceeded');
      return undefined;
    },
    apply: async ({ agentId }: StoredSchedule) => void state.applied.push(agentId),
    async *installed() {},
    cancelledBy: (_signal: AbortSignal, work: () => Promise<unknown>) => work(),
  } as unknown as TemporalSchedules;
  const config = { temporal: { taskQueue: 'q' }, api: { scheduleReconcileIntervalSeconds: 300 } } as AppConfig;
  return { reconciler: new ScheduleReconciler(schedules, temporal, config), state };
}

describe(ScheduleReconciler.name, () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterEach(() => jest.useRealTimers());

  it('puts the other schedules in step when Temporal refuses one, and reports the one it could not', async () => {
    const { reconciler, state } = reconcilerOverTwoMissingSchedules();
    expect(await reconciler.reconcile()).toEqual({ created: ['missing'], updated: [], deleted: [], failed: ['refused'] });
    expect(state.applied).toEqual(['missing']);
  });

  it('tries an incomplete pass again within seconds instead of waiting the whole interval', async () => {
    jest.useFakeTimers();
    const { reconciler, state } = reconcilerOverTwoMissingSchedules();
    reconciler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(state.applied).toEqual(['missing']);

    state.healed = true;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(state.applied).toEqual(['missing', 'refused', 'missing']);
    await reconciler.beforeApplicationShutdown();
  });

  it('aborts a pass under way at shutdown and waits for it, so nothing of it outlives the Temporal connection', async () => {
    let aborted = false;
    let passSettled = false;
    const schedules = { async *all() {}, findByAgent: async () => null } as unknown as SchedulesRepository;
    const temporal = {
      // Temporal hangs until the pass's calls are aborted.
      ensureMaintenance: () => new Promise<never>(() => undefined),
      cancelledBy: (signal: AbortSignal, work: () => Promise<unknown>) =>
        Promise.race([
          work(),
          new Promise((_, reject) => signal.addEventListener('abort', () => ((aborted = true), reject(new Error('cancelled'))))),
        ]).finally(() => (passSettled = true)),
    } as unknown as TemporalSchedules;
    const reconciler = new ScheduleReconciler(schedules, temporal, { temporal: { taskQueue: 'q' }, api: { scheduleReconcileIntervalSeconds: 0 } } as AppConfig);
    reconciler.onApplicationBootstrap();

    await reconciler.beforeApplicationShutdown();

    expect(aborted).toBe(true);
    expect(passSettled).toBe(true);
  });
});
