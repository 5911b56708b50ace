import type { RunTarget } from '@flowmate/contracts/run-start';
import { setTimeout as sleep } from 'node:timers/promises';
import { openMigratedDatabase, type MigratedDatabase } from '../../../../test/support/database';
import { factory } from '../../../../test/support/factory';
import { AgentsRepository } from './agents.repository';
import { RunHistoryRepository } from './run-history.repository';
import { RunStartOutboxRepository, type PendingStart } from './run-start-outbox.repository';
import { RunsRepository } from './runs.repository';
import { UsersRepository } from './users.repository';

describe(RunStartOutboxRepository.name, () => {
  let database: MigratedDatabase;
  let sut: RunStartOutboxRepository;
  let runs: RunsRepository;
  let history: RunHistoryRepository;
  let newRun: (options?: { held?: boolean }) => Promise<string>;

  beforeAll(async () => {
    database = await openMigratedDatabase(8);
    sut = new RunStartOutboxRepository(database.db);
    runs = new RunsRepository(database.db);
    history = new RunHistoryRepository(database.db);
    const user = await new UsersRepository(database.db).findOrCreateByEmail('outbox@example.com');
    const agent = await new AgentsRepository(database.db).create(user.id, factory.agent());
    const target: RunTarget = { agent: { id: agent.id, name: agent.name, version: agent.version, definition: agent.definition } };
    newRun = async ({ held = false } = {}) => {
      const stored = { userId: user.id, agentId: agent.id, agentVersion: 1, trigger: 'manual' as const, input: {}, startTarget: target };
      // `queue` holds a run while another of the agent is active.
      const admission = await runs.admitQueued(stored, held ? 'queue' : 'allow');
      return (admission.run as { id: string }).id;
    };
  });
  afterAll(() => database.close());
  beforeEach(() => database.db.query(`DELETE FROM run_start_outbox`));

  const pendingIds = async (): Promise<string[]> => ((await database.db.query(`SELECT run_id FROM run_start_outbox ORDER BY run_id`)) as Array<{ run_id: string }>).map((row) => row.run_id);

  it('queues a run’s start with the run, and lets it go once started', async () => {
    const runId = await newRun();
    expect(await pendingIds()).toEqual([runId]);
    const seen: PendingStart[] = [];

    expect(await sut.startDue({ limit: 10 }, async (pending) => (seen.push(pending), 'started'))).toBe(1);

    expect(seen).toEqual([{ run: expect.objectContaining({ id: runId, workflowId: `run-${runId}`, trigger: 'manual' }), target: { agent: expect.objectContaining({ version: 1 }) }, attempts: 0 }]);
    expect(await pendingIds()).toEqual([]);
  });

  it('never hands one row to two replicas draining at once', async () => {
    const runIds = await Promise.all(Array.from({ length: 12 }, () => newRun()));
    const started: string[] = [];
    const slowStart = async ({ run }: PendingStart) => {
      await sleep(50);
      started.push(run.id);
      return 'started' as const;
    };

    await Promise.all([sut.startDue({ limit: 20 }, slowStart), sut.startDue({ limit: 20 }, slowStart), sut.startDue({ limit: 20 }, slowStart)]);

    expect(started.sort()).toEqual([...runIds].sort());
    expect(await pendingIds()).toEqual([]);
  });

  it('keeps a failed start for its retry time, counting the attempt, and reports the backlog', async () => {
    const runId = await newRun();

    await sut.startDue({ limit: 10 }, async () => ({ failed: 'UNAVAILABLE', retryInMs: 60_000 }));
    const notYet = jest.fn();
    expect(await sut.startDue({ limit: 10 }, notYet)).toBe(0);

    expect(notYet).not.toHaveBeenCalled();
    expect(await database.db.query(`SELECT attempts, last_error FROM run_start_outbox WHERE run_id = $1`, [runId])).toEqual([{ attempts: 1, last_error: 'UNAVAILABLE' }]);
    expect(await sut.backlog()).toEqual({ pending: 1, oldestSeconds: expect.any(Number) });
  });

  it('leaves an untried start due as it was', async () => {
    const runId = await newRun();
    await sut.startDue({ limit: 10 }, async () => 'untried');
    expect(await database.db.query(`SELECT attempts FROM run_start_outbox WHERE run_id = $1`, [runId])).toEqual([{ attempts: 0 }]);
  });

  it('drops the start of a run that ended before it started, without starting it', async () => {
    const runId = await newRun();
    await history.markRunFinished(runId, 'cancelled', { type: 'Cancelled', message: 'cancelled before it started' });
    const start = jest.fn();

    await sut.startDue({ limit: 10 }, start);

    expect(start).not.toHaveBeenCalled();
    expect(await pendingIds()).toEqual([]);
  });

  it('discards a pending start once', async () => {
    const runId = await newRun();
    expect(await sut.discard(runId)).toBe(true);
    expect(await sut.discard(runId)).toBe(false);
  });

  it('queues nothing for a run its agent’s concurrency holds: the run it waits for starts it', async () => {
    await newRun();
    const held = await newRun({ held: true });
    expect(await pendingIds()).not.toContain(held);
    expect(await sut.backlog()).toEqual({ pending: 1, oldestSeconds: expect.any(Number) });
  });
});
