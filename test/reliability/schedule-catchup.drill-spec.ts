import { agentScheduleId, type AgentDefinition } from '@flowmate/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { signIn, type Session } from '../support/auth';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { drillSize } from './drill-scale';
import { startOwnTemporal, type OutageServer } from './support/outage-servers';

interface ScheduledRun {
  id: string;
  status: string;
  trigger: string;
  scheduledAt: string | null;
  startedAt: string | null;
}

/**
 * Fault drill 7: Temporal (the drill's own dev server, history in a SQLite file) is down across several
 * fire times of an agent's schedule. FlowMate's default overlap policy `skip` is Temporal's SKIP: after
 * recovery the scheduler catches up every missed time inside the catch-up window, but starts only the
 * first, and skips the rest because that one is running. So: exactly one run for the missed times, not
 * zero and not one per missed interval; then the schedule fires on time again. The API reconnects by itself.
 */
describe('fault drill: schedule fire times pass while Temporal is down', () => {
  const intervalSeconds = drillSize(10, 15);
  const outageMs = drillSize(25_000, 50_000);
  let temporal: OutageServer;
  let stack: Stack;
  let worker: WorkerProcess | undefined;
  let ada: Session;

  beforeAll(async () => {
    temporal = await startOwnTemporal();
    stack = await startStack({ env: { TEMPORAL_ADDRESS: temporal.address } });
    worker = await startWorkerProcess(stack.config);
    ada = await signIn(stack, 'ada@example.com');
  }, 120_000);

  afterAll(async () => {
    if (worker) {
      worker.process.kill('SIGKILL');
      await worker.exited;
    }
    await stack?.stop();
    await temporal?.destroy();
  }, 60_000);

  const runsOf = async (agentId: string): Promise<ScheduledRun[]> => {
    const { items } = (await stack.http.get(`/api/v1/runs?agentId=${agentId}&limit=100`).set('Authorization', ada.bearer).expect(200)).body as { items: Array<{ id: string }> };
    return Promise.all(items.map(async ({ id }) => (await stack.http.get(`/api/v1/runs/${id}`).set('Authorization', ada.bearer).expect(200)).body as ScheduledRun));
  };
  const firedFor = (run: ScheduledRun): number => Date.parse(run.scheduledAt as string);

  it(
    'fires once for the missed times after recovery, as its overlap policy promises, then on time again',
    async () => {
      const definition: AgentDefinition = factory.agent({ name: 'Ticks through an outage' });
      const agentId = (await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(201)).body.id as string;
      await stack.http
        .put(`/api/v1/agents/${agentId}/schedule`)
        .set('Authorization', ada.bearer)
        .send({ intervalSeconds, overlap: 'skip', catchupWindowSeconds: 600 })
        .expect(200);

      // Stop Temporal right after a fire's run finished and the Schedule saw its fire close, so nothing is
      // running when it comes back (a fire still running then would make `skip` drop the catch-up).
      const handle = stack.temporal.schedule.getHandle(agentScheduleId(agentId));
      const quiet = async () => ({ succeeded: (await runsOf(agentId)).some((run) => run.status === 'succeeded'), running: (await handle.describe()).info.runningActions.length });
      const beforeOutage = await pollUntil(quiet, (state) => state.succeeded && state.running === 0, (intervalSeconds + 30) * 1000);
      expect(beforeOutage).toEqual({ succeeded: true, running: 0 });
      const stoppedAt = Date.now();
      await temporal.stop();
      await sleep(outageMs);
      await temporal.start();
      const restartedAt = Date.now();
      const missedTimes = Math.floor(restartedAt / 1000 / intervalSeconds) - Math.floor(stoppedAt / 1000 / intervalSeconds);
      expect(missedTimes).toBeGreaterThanOrEqual(2);

      // The API reconnects without a restart: the schedule is described from Temporal again.
      const described = await pollUntil(async () => (await stack.http.get(`/api/v1/agents/${agentId}/schedule`).set('Authorization', ada.bearer)).status, (status) => status === 200, 30_000);
      expect(described).toBe(200);
      const apiBackInMs = Date.now() - restartedAt;

      // The next on-time fire after recovery, and everything before it, has run.
      const nextOnTime = (Math.floor(restartedAt / 1000 / intervalSeconds) + 1) * intervalSeconds * 1000;
      const runs = await pollUntil(
        () => runsOf(agentId),
        (all) => all.some((run) => run.scheduledAt !== null && firedFor(run) >= nextOnTime && run.status === 'succeeded'),
        (intervalSeconds + 60) * 1000,
      );
      const forMissedTimes = runs.filter((run) => run.scheduledAt !== null && firedFor(run) > stoppedAt && firedFor(run) < restartedAt);
      const catchUp = forMissedTimes[0];
      const description = await handle.describe();
      process.stderr.write(
        `[drill 7] every ${intervalSeconds} s, Temporal down ${restartedAt - stoppedAt} ms over ${missedTimes} fire times; ${forMissedTimes.length} run(s) for them, ` +
          `started ${catchUp?.startedAt ? Date.parse(catchUp.startedAt) - restartedAt : 'never'} ms after restart; API back in ${apiBackInMs} ms; ` +
          `Temporal counts ${description.info.numActionsSkippedOverlap} skipped for overlap, ${description.info.numActionsMissedCatchupWindow} missed the window\n`,
      );

      expect(runs.every((run) => run.trigger === 'schedule')).toBe(true);
      expect(forMissedTimes).toHaveLength(1);
      expect(catchUp).toMatchObject({ status: 'succeeded' });
      expect(Date.parse(catchUp.startedAt as string)).toBeGreaterThanOrEqual(restartedAt);
      // No fire time came twice; none inside the window was dropped for being late.
      expect(new Set(runs.map((run) => run.scheduledAt)).size).toBe(runs.length);
      expect(description.info.numActionsMissedCatchupWindow).toBe(0);
      // The rest of the missed times were skipped because the catch-up run was running: the policy, not a loss.
      expect(description.info.numActionsSkippedOverlap).toBeGreaterThanOrEqual(missedTimes - 1);
    },
    drillSize(180_000, 300_000),
  );
});
