import { loadConfig } from '@flowmate/config';
import { RUN_EVENTS_CHANNEL } from '@flowmate/contracts';
import { Logger } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/database';
import { pollUntil } from '../../../../../test/support/poll';
import { RunEventsListener } from './run-events.listener';

describe(RunEventsListener.name, () => {
  let database: TestDatabase;
  /** Another session, notifying as an event write does at its commit. */
  let writer: Client;
  let sut: RunEventsListener;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createTestDatabase();
    writer = new Client({ connectionString: database.url });
    await writer.connect();
  });
  beforeEach(async () => {
    const config = loadConfig('api', {
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      JWT_SECRET: randomUUID() + randomUUID(),
      CREDENTIALS_KEYS: `test:${randomBytes(32).toString('base64')}`,
      PAYLOAD_KEYS: `test:${randomBytes(32).toString('base64')}`,
    });
    sut = new RunEventsListener(config);
    await sut.onModuleInit();
  });
  afterEach(() => sut.onApplicationShutdown());
  afterAll(async () => {
    await writer.end();
    await database.drop();
  });

  const notify = (runId: string) => writer.query('SELECT pg_notify($1, $2)', [RUN_EVENTS_CHANNEL, runId]);
  const listeningSessions = async (): Promise<number[]> =>
    (await writer.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1`, [`LISTEN ${RUN_EVENTS_CHANNEL}`])).rows.map(
      (row: { pid: number }) => row.pid,
    );

  it('wakes the streams of the run a notification names, until they unsubscribe', async () => {
    const woken: string[] = [];
    const unsubscribe = sut.subscribe('run-a', () => woken.push('a'));
    sut.subscribe('run-b', () => woken.push('b'));

    await notify('run-a');
    expect(await pollUntil(async () => [...woken], (names) => names.length > 0, 5_000)).toEqual(['a']);

    unsubscribe();
    await notify('run-a');
    await notify('run-b');
    expect(await pollUntil(async () => [...woken], (names) => names.includes('b'), 5_000)).toEqual(['a', 'b']);
  });

  it('listens again when its connection is killed, and wakes every stream once it does', async () => {
    let wakes = 0;
    sut.subscribe('run-a', () => (wakes += 1));
    const [listening] = await pollUntil(listeningSessions, (pids) => pids.length === 1, 5_000);

    await writer.query('SELECT pg_terminate_backend($1)', [listening]);

    const relistening = await pollUntil(listeningSessions, (pids) => pids.length === 1 && pids[0] !== listening, 10_000);
    expect(relistening).toHaveLength(1);
    expect(relistening[0]).not.toBe(listening);
    expect(await pollUntil(async () => wakes, (count) => count >= 1, 5_000)).toBe(1);
    await notify('run-a');
    expect(await pollUntil(async () => wakes, (count) => count >= 2, 5_000)).toBe(2);
  });

  it('closes its connection when the app shuts down', async () => {
    await pollUntil(listeningSessions, (pids) => pids.length === 1, 5_000);

    await sut.onApplicationShutdown();

    expect(await pollUntil(listeningSessions, (pids) => pids.length === 0, 5_000)).toEqual([]);
  });
});
