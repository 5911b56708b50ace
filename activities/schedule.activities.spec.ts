import { FAILURE_TYPES, SCHEDULE_DEFAULTS, type AgentDefinition, type ConcurrencyPolicy } from '@flowmate/contracts';
import { AgentsRepository, RunHistoryRepository, RunsRepository, SchedulesRepository, UsersRepository } from '@flowmate/db';
import { randomUUID } from 'node:crypto';
import { openMigratedDatabase, type MigratedDatabase } from '../test/support/database';
import { factory } from '../test/support/factory';
import { metricValue } from '../test/support/metric-value';
import { WorkerMetrics } from '@flowmate/observability';
import { Registry } from 'prom-client';
import { createScheduleActivities, type ScheduledFire } from './schedule.activities';

describe('openScheduledRun', () => {
  let database: MigratedDatabase;
  let agents: AgentsRepository;
  let schedules: SchedulesRepository;
  let runs: RunsRepository;
  let userId: string;
  let sut: ReturnType<typeof createScheduleActivities>;
  const registry = new Registry();

  beforeAll(async () => {
    database = await openMigratedDatabase(4);
    const { db } = database;
    agents = new AgentsRepository(db);
    schedules = new SchedulesRepository(db);
    runs = new RunsRepository(db);
    userId = (await new UsersRepository(db).findOrCreateByEmail('schedules@example.com')).id;
    sut = createScheduleActivities({ agents, schedules, runs, history: new RunHistoryRepository(db), taskQueue: 'scheduled', metrics: new WorkerMetrics(registry) });
  });
  afterAll(() => database.close());

  const scheduledAgent = async (overrides: Partial<AgentDefinition> = {}): Promise<string> => {
    const agent = await agents.create(userId, factory.agent(overrides));
    await schedules.upsert(userId, agent.id, { intervalSeconds: 60, paused: false, ...SCHEDULE_DEFAULTS, input: { day: 'Friday' } });
    return agent.id;
  };
  const fire = (agentId: string): ScheduledFire => ({ agentId, fireId: `agent-${agentId}-${randomUUID()}`, scheduledAt: '2026-12-04T09:00:00.000Z' });
  const withPolicy = (policy: ConcurrencyPolicy) => scheduledAgent({ concurrency: { policy } });
  const activeRunOf = async (agentId: string) => (await runs.createQueued({ userId, agentId, agentVersion: 1, trigger: 'manual', input: {} })).run.id;

  it('stores a queued run of the latest version with the schedule’s input, once per fire however often it is retried', async () => {
    const agentId = await scheduledAgent();
    await agents.replaceOwned(userId, agentId, factory.agent({ name: 'second version' }));
    const scheduled = fire(agentId);
    const fires = () => metricValue(registry, 'flowmate_schedule_fires_total', { outcome: 'start' });
    const firesBefore = await fires();
    const opened = await sut.openScheduledRun(scheduled);
    expect(opened).toMatchObject({ outcome: 'start' });
    expect(await fires()).toBe(firesBefore + 1);
    if (opened.outcome !== 'start') throw new Error('expected a start');
    expect(opened.workflowId).toBe(`run-${opened.runId}`);
    expect(opened.input).toMatchObject({ runId: opened.runId, userId, agentId, agentVersion: 2, trigger: 'schedule', definition: { name: 'second version' } });
    expect(opened.memo).toEqual({ agentName: 'second version', agentVersion: 2 });
    const stored = await runs.findOwnedById(userId, opened.runId);
    expect(stored).toMatchObject({ status: 'queued', trigger: 'schedule', input: { day: 'Friday' }, scheduledAt: new Date(scheduled.scheduledAt) });
    expect(await sut.openScheduledRun(scheduled)).toEqual(opened);
  });

  it('records a fire the "reject" policy refuses as a failed run saying why, once', async () => {
    const agentId = await withPolicy('reject');
    const active = await activeRunOf(agentId);
    const scheduled = fire(agentId);
    const opened = await sut.openScheduledRun(scheduled);
    expect(opened).toEqual({ outcome: 'refused', runId: expect.any(String) });
    if (opened.outcome !== 'refused') throw new Error('expected a refusal');
    expect(opened.runId).not.toBe(active);
    expect(await runs.findOwnedById(userId, opened.runId)).toMatchObject({ status: 'failed', error: { type: FAILURE_TYPES.concurrencyRejected }, finishedAt: expect.any(Date) });
    expect(await sut.openScheduledRun(scheduled)).toEqual(opened);
  });

  it('holds a fire behind an active run under "queue", and displaces the active run under "replace"', async () => {
    const queued = await withPolicy('queue');
    await activeRunOf(queued);
    const held = await sut.openScheduledRun(fire(queued));
    expect(held).toEqual({ outcome: 'held', runId: expect.any(String), displacedWorkflowIds: [] });
    expect(await runs.findOwnedById(userId, (held as { runId: string }).runId)).toMatchObject({ status: 'queued', heldBy: 'concurrency' });

    const replaced = await withPolicy('replace');
    const displaced = await activeRunOf(replaced);
    const opened = await sut.openScheduledRun(fire(replaced));
    expect(opened).toEqual({ outcome: 'held', runId: expect.any(String), displacedWorkflowIds: [`run-${displaced}`] });
    expect(await runs.findOwnedById(userId, displaced)).toMatchObject({ cancelRequestedAt: expect.any(Date) });
  });

  it('records a fire whose input no longer fits the agent’s inputSchema as a failed run saying why', async () => {
    const agentId = await scheduledAgent({ inputSchema: { type: 'object', properties: { team: { type: 'string' } }, required: ['team'] } });
    const opened = await sut.openScheduledRun(fire(agentId));
    expect(opened).toEqual({ outcome: 'refused', runId: expect.any(String) });
    const run = await runs.findOwnedById(userId, (opened as { runId: string }).runId);
    expect(run).toMatchObject({ status: 'failed', trigger: 'schedule', error: { type: FAILURE_TYPES.invalidInput, message: expect.stringContaining('input.team is required') } });
  });

  it('makes no run when the agent or its schedule is gone', async () => {
    const agentId = await scheduledAgent();
    await schedules.delete(agentId);
    expect(await sut.openScheduledRun(fire(agentId))).toEqual({ outcome: 'agentGone' });
    expect(await sut.openScheduledRun(fire(randomUUID()))).toEqual({ outcome: 'agentGone' });
  });
});
