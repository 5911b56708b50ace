import { agentScheduleId, TERMINAL_RUN_STATUSES, WORKFLOW_NAMES, type AgentDefinition } from '@flowmate/contracts';
import { ScheduleNotFoundError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { installationMark } from '../../apps/api/src/schedules/schedule-options';

interface RunSummary {
  id: string;
  status: string;
  trigger: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Agents' Temporal Schedules through the real API, worker, Temporal dev server and Postgres. */
describe('Schedules (e2e)', () => {
  let stack: Stack;
  let fixture: HttpFixture;
  let ada: Session;
  let grace: Session;

  beforeAll(async () => {
    fixture = await startHttpFixture({ 'POST /tick': { body: { ok: true } }, 'POST /slow': { body: { ok: true }, delayMs: 14_000 } });
    stack = await startStack({ worker: true, env: { HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort } });
    ada = await signIn(stack, 'ada@example.com');
    grace = await signIn(stack, 'grace@example.com');
  });
  afterAll(async () => {
    await stack.stop();
    await fixture.close();
  });

  const ticking = (name: string, path = '/tick'): AgentDefinition => ({
    name,
    microAgents: [{ key: 'tick', tools: ['http.request'], steps: [{ id: 'post', tool: 'http.request', args: { method: 'POST', url: `${fixture.url}${path}`, body: { day: '{{input.day}}' } } }] }],
  });
  const createAgent = async (definition: AgentDefinition): Promise<string> =>
    (await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(201)).body.id;
  const schedule = (agentId: string) => `/api/v1/agents/${agentId}/schedule`;
  const putSchedule = (agentId: string, body: object) => stack.http.put(schedule(agentId)).set('Authorization', ada.bearer).send(body);
  const runsOf = async (agentId: string): Promise<RunSummary[]> =>
    (await stack.http.get(`/api/v1/runs?agentId=${agentId}&limit=100`).set('Authorization', ada.bearer).expect(200)).body.items;
  const describeInTemporal = (agentId: string) => stack.temporal.schedule.getHandle(agentScheduleId(agentId)).describe();
  const removedFromTemporal = async (agentId: string): Promise<boolean> => describeInTemporal(agentId).then(() => false, (error) => error instanceof ScheduleNotFoundError);

  it('refuses a bad schedule with every problem named, and hides other users’ agents', async () => {
    const agentId = await createAgent(ticking('Validated'));
    const bad = await putSchedule(agentId, { cron: '61 * * *', intervalSeconds: 5, timezone: 'Mars/Olympus', overlap: 'sometimes', colour: 'red' }).expect(400);
    expect(bad.body.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['colour', 'cron', 'cron', 'intervalSeconds', 'overlap', 'timezone']);
    expect(bad.body.details).toEqual(expect.arrayContaining([{ path: 'cron', message: 'give cron or intervalSeconds, not both' }, { path: 'cron', message: expect.stringContaining('5 fields') }]));
    const neither = await putSchedule(agentId, { timezone: 'UTC' }).expect(400);
    expect(neither.body.details).toEqual([{ path: 'cron', message: 'give cron or intervalSeconds: a schedule needs one' }]);
    const badField = await putSchedule(agentId, { cron: '0 25 * * *' }).expect(400);
    expect(badField.body.details).toEqual([{ path: 'cron', message: expect.stringContaining('not a valid cron expression') }]);
    await stack.http.get(schedule(agentId)).set('Authorization', ada.bearer).expect(404);
    await stack.http.put(schedule(agentId)).set('Authorization', grace.bearer).send({ intervalSeconds: 60 }).expect(404);
    await putSchedule(agentId, { intervalSeconds: 60, paused: true }).expect(200);
    await stack.http.get(schedule(agentId)).set('Authorization', grace.bearer).expect(404);
    await stack.http.post(`${schedule(agentId)}/trigger`).set('Authorization', grace.bearer).expect(404);
    expect(await removedFromTemporal(agentId)).toBe(false);
  });

  it('fires an interval schedule into ordinary runs; pause, trigger, resume and delete do what they say', async () => {
    const agentId = await createAgent(ticking('Every ten seconds'));
    const saved = await putSchedule(agentId, { intervalSeconds: 10, input: { day: 'Monday' } }).expect(200);
    expect(saved.body).toMatchObject({ scheduleId: `agent-${agentId}`, intervalSeconds: 10, cron: null, timezone: 'UTC', paused: false, overlap: 'skip', input: { day: 'Monday' } });
    expect(saved.body.nextRunTimes.length).toBeGreaterThan(0);

    const succeeded = (runs: RunSummary[]) => runs.filter((run) => run.status === 'succeeded');
    const firstTwo = await pollUntil(() => runsOf(agentId), (runs) => succeeded(runs).length >= 2, 35_000);
    expect(succeeded(firstTwo).length).toBeGreaterThanOrEqual(2);
    expect(firstTwo.every((run) => run.trigger === 'schedule')).toBe(true);
    const run = (await stack.http.get(`/api/v1/runs/${firstTwo[0].id}`).set('Authorization', ada.bearer).expect(200)).body;
    expect(run).toMatchObject({ trigger: 'schedule', input: { day: 'Monday' }, scheduledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d0\.000Z$/) });
    expect(fixture.requests.filter((request) => request.path === '/tick').map((request) => JSON.parse(request.body))).toContainEqual({ day: 'Monday' });
    const visible = await stack.temporal.workflow.count(`FlowMateAgentId = "${agentId}" AND FlowMateTrigger = "schedule" AND WorkflowType = "${WORKFLOW_NAMES.mainAgent}"`);
    expect(visible.count).toBeGreaterThanOrEqual(1);
    const view = (await stack.http.get(schedule(agentId)).set('Authorization', ada.bearer).expect(200)).body;
    expect(view.recentRuns.length).toBeGreaterThanOrEqual(2);
    expect(view.recentRuns[0]).toEqual({ runId: expect.any(String), status: expect.any(String), scheduledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    await putSchedule(agentId, { intervalSeconds: 10, input: { day: 'Monday' }, paused: true }).expect(200);
    expect((await describeInTemporal(agentId)).state.paused).toBe(true);
    await pollUntil(() => runsOf(agentId), (runs) => runs.every((candidate) => TERMINAL_RUN_STATUSES.includes(candidate.status as never)), 15_000);
    const whilePaused = (await runsOf(agentId)).length;
    await sleep(12_000);
    expect((await runsOf(agentId)).length).toBe(whilePaused);
    expect((await stack.http.get(schedule(agentId)).set('Authorization', ada.bearer).expect(200)).body).toMatchObject({ paused: true, nextRunTimes: [] });

    await stack.http.post(`${schedule(agentId)}/trigger`).set('Authorization', ada.bearer).expect(202);
    const triggered = await pollUntil(() => runsOf(agentId), (runs) => runs.length === whilePaused + 1 && succeeded(runs).length === runs.length, 15_000);
    expect(triggered).toHaveLength(whilePaused + 1);

    await putSchedule(agentId, { intervalSeconds: 10, input: { day: 'Monday' } }).expect(200);
    const resumed = await pollUntil(() => runsOf(agentId), (runs) => runs.length > whilePaused + 1, 15_000);
    expect(resumed.length).toBeGreaterThan(whilePaused + 1);

    await stack.http.delete(schedule(agentId)).set('Authorization', ada.bearer).expect(204);
    await stack.http.get(schedule(agentId)).set('Authorization', ada.bearer).expect(404);
    expect(await removedFromTemporal(agentId)).toBe(true);
    const afterDelete = (await runsOf(agentId)).length;
    await sleep(11_000);
    expect((await runsOf(agentId)).length).toBe(afterDelete);
  }, 120_000);

  it('with overlap "skip", a slow agent never has two scheduled runs at once, even when triggered', async () => {
    const agentId = await createAgent(ticking('Slow', '/slow'));
    await putSchedule(agentId, { intervalSeconds: 10, overlap: 'skip' }).expect(200);
    await pollUntil(() => runsOf(agentId), (runs) => runs.some((run) => run.status === 'running'), 15_000);
    await stack.http.post(`${schedule(agentId)}/trigger`).set('Authorization', ada.bearer).expect(202);
    await sleep(16_000);
    await stack.http.delete(schedule(agentId)).set('Authorization', ada.bearer).expect(204);
    const runs = await pollUntil(() => runsOf(agentId), (all) => all.every((run) => TERMINAL_RUN_STATUSES.includes(run.status as never)), 20_000);
    expect(runs.length).toBeGreaterThanOrEqual(1);
    const spans = runs.map((run) => [Date.parse(run.startedAt as string), Date.parse(run.finishedAt as string)]).sort((a, b) => a[0] - b[0]);
    spans.slice(1).forEach(([start], index) => expect(start).toBeGreaterThanOrEqual(spans[index][1]));
    expect(runs.length).toBeLessThanOrEqual(2);
  }, 60_000);

  it('reads a cron expression in its time zone, across the change to summer time', async () => {
    const agentId = await createAgent(ticking('Mornings in Paris'));
    const saved = await putSchedule(agentId, { cron: '0 9 * * *', timezone: 'Europe/Paris' }).expect(200);
    expect(saved.body.nextRunTimes).toHaveLength(5);
    // December: Paris is UTC+1.
    expect(saved.body.nextRunTimes.every((time: string) => time.endsWith('T08:00:00.000Z'))).toBe(true);
    const march = await stack.http.get(`${schedule(agentId)}?from=2027-03-25T12:00:00Z`).set('Authorization', ada.bearer).expect(200);
    expect(march.body.nextRunTimes).toEqual(['2027-03-26T08:00:00.000Z', '2027-03-27T08:00:00.000Z', '2027-03-28T07:00:00.000Z', '2027-03-29T07:00:00.000Z', '2027-03-30T07:00:00.000Z']);
    await stack.http.get(`${schedule(agentId)}?from=yesterday`).set('Authorization', ada.bearer).expect(400);
  });

  it('backfills the fire times of a past window, each as a run for its time', async () => {
    const agentId = await createAgent(ticking('Backfilled'));
    await putSchedule(agentId, { cron: '* * * * *', paused: true, input: { day: 'Tuesday' } }).expect(200);
    const minute = 60_000;
    const lastMinute = Math.floor(Date.now() / minute) * minute;
    const window = { from: new Date(lastMinute - 2 * minute - 30_000).toISOString(), to: new Date(lastMinute - 30_000).toISOString() };
    const accepted = await stack.http.post(`${schedule(agentId)}/backfill`).set('Authorization', ada.bearer).send(window).expect(202);
    expect(accepted.body).toEqual({ scheduleId: `agent-${agentId}`, fireTimes: 2 });
    const runs = await pollUntil(() => runsOf(agentId), (all) => all.length === 2 && all.every((run) => run.status === 'succeeded'), 30_000);
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
    const view = (await stack.http.get(schedule(agentId)).set('Authorization', ada.bearer).expect(200)).body;
    expect(view.recentRuns.map((run: { scheduledAt: string }) => run.scheduledAt).sort()).toEqual([
      new Date(lastMinute - 2 * minute).toISOString(),
      new Date(lastMinute - minute).toISOString(),
    ]);

    const future = await stack.http
      .post(`${schedule(agentId)}/backfill`)
      .set('Authorization', ada.bearer)
      .send({ from: window.from, to: new Date(Date.now() + minute).toISOString() })
      .expect(400);
    expect(future.body.details).toEqual([{ path: 'to', message: expect.stringContaining('future') }]);
    const tooMany = await stack.http.post(`${schedule(agentId)}/backfill`).set('Authorization', ada.bearer).send({ from: '2026-01-01T00:00:00Z', to: window.to }).expect(400);
    expect(tooMany.body.details).toEqual([{ path: 'from', message: expect.stringContaining('more than 100 fire times') }]);
  }, 60_000);

  it('deleting the agent pauses its schedule in the trash, and restoring it resumes the schedule as it was', async () => {
    const agentId = await createAgent(ticking('Short-lived'));
    await putSchedule(agentId, { intervalSeconds: 3600 }).expect(200);
    await stack.http.delete(`/api/v1/agents/${agentId}`).set('Authorization', ada.bearer).expect(204);
    expect((await describeInTemporal(agentId)).state.paused).toBe(true);
    await stack.http.post(`${schedule(agentId)}/trigger`).set('Authorization', ada.bearer).expect(409);
    await stack.http.post(`/api/v1/agents/${agentId}/restore`).set('Authorization', ada.bearer).expect(200);
    expect((await describeInTemporal(agentId)).state.paused).toBe(false);
    expect((await stack.http.get(schedule(agentId)).set('Authorization', ada.bearer).expect(200)).body.paused).toBe(false);
  });

  it('an API start puts Temporal back in step: recreates a deleted schedule, rewrites a drifted one, deletes an orphan', async () => {
    const deletedBehindOurBack = await createAgent(ticking('Deleted in Temporal'));
    const drifted = await createAgent(ticking('Paused in Temporal'));
    await putSchedule(deletedBehindOurBack, { cron: '30 6 * * 1-5', timezone: 'America/New_York' }).expect(200);
    await putSchedule(drifted, { intervalSeconds: 600 }).expect(200);
    await stack.temporal.schedule.getHandle(agentScheduleId(deletedBehindOurBack)).delete();
    await stack.temporal.schedule.getHandle(agentScheduleId(drifted)).pause('by hand');
    const orphan = randomUUID();
    await stack.temporal.schedule.create({
      scheduleId: agentScheduleId(orphan),
      spec: { intervals: [{ every: '1 hour' }] },
      action: { type: 'startWorkflow', workflowType: WORKFLOW_NAMES.scheduledRun, taskQueue: stack.config.temporal.taskQueue, args: [{ agentId: orphan }] },
      state: { paused: true },
      typedSearchAttributes: installationMark(stack.config.temporal.taskQueue),
    });
    // Schedules are listed from Temporal's visibility store, which takes a moment to see a new one.
    await pollUntil(() => listed(stack, orphan), Boolean, 15_000);

    const restarted = await startStack({ shareDatabaseWith: stack });
    // A pass Temporal refused (a deadline on a loaded machine) is tried again 10 s later.
    const reconciled = 30_000;
    try {
      const recreated = await pollUntil(() => describeInTemporal(deletedBehindOurBack).catch(() => undefined), Boolean, reconciled);
      expect(recreated?.spec.timezone).toBe('America/New_York');
      expect((await pollUntil(() => describeInTemporal(drifted), (description) => !description.state.paused, reconciled)).state.paused).toBe(false);
      expect(await pollUntil(() => removedFromTemporal(orphan), Boolean, reconciled)).toBe(true);
      const march = await restarted.http.get(`${schedule(deletedBehindOurBack)}?from=2027-03-01T00:00:00Z`).set('Authorization', ada.bearer).expect(200);
      expect(march.body.nextRunTimes[0]).toBe('2027-03-01T11:30:00.000Z');
    } finally {
      await restarted.stop();
    }
  }, 120_000);
});

async function listed(stack: Stack, agentId: string): Promise<boolean> {
  for await (const summary of stack.temporal.schedule.list()) if (summary.scheduleId === agentScheduleId(agentId)) return true;
  return false;
}
