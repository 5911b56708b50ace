import { Client, Connection } from '@temporalio/client';
import { Client as PostgresClient } from 'pg';
import { apiProcessSettings, startApiProcess, type ApiProcess } from '../support/api-process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { temporalAddress } from '../support/temporal';
import { drillSize } from './drill-scale';

const PAIRS = drillSize(20, 50);

/** Drill 9: two API processes take the same run request, with one Idempotency-Key, at the same moment. */
describe('two API processes, one Idempotency-Key (drill)', () => {
  let database: TestDatabase;
  let apis: ApiProcess[];
  let temporal: Client;
  let connection: Connection;
  let taskQueue: string;
  const started: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const settings = apiProcessSettings();
    taskQueue = settings.TEMPORAL_TASK_QUEUE;
    const env = { ...settings, DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporalAddress() };
    // One at a time: the first applies the migrations.
    apis = [await startApiProcess(env)];
    apis.push(await startApiProcess(env));
    connection = await Connection.connect({ address: temporalAddress() });
    temporal = new Client({ connection });
  }, 120_000);

  afterAll(async () => {
    // No worker polls this task queue: the runs' workflows are ended here rather than left to time out.
    for (const runId of started) await temporal.workflow.getHandle(`run-${runId}`).terminate('drill over');
    await connection.close();
    for (const api of apis ?? []) await api.kill();
    await database.drop();
  });

  const count = async (table: string): Promise<number> => {
    const db = new PostgresClient({ connectionString: database.url });
    await db.connect();
    try {
      return (await db.query<{ rows: number }>(`SELECT count(*)::int AS rows FROM ${table}`)).rows[0].rows;
    } finally {
      await db.end();
    }
  };

  const call = async (api: ApiProcess, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${api.baseUrl}/api/v1${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };

  it(`starts one run and one workflow for each of ${PAIRS} racing pairs`, async () => {
    const [first, second] = apis;
    const { body: link } = await call(first, '/auth', { email: 'racer@example.com' });
    const { body: session } = await call(first, '/auth/verify', { token: link.magicLinkToken });
    const auth = { Authorization: `Bearer ${session.accessToken}` };
    const { body: agent } = await call(first, '/agents', factory.agent(), auth);

    const pairs = await Promise.all(
      Array.from({ length: PAIRS }, (_, index) => {
        const headers = { ...auth, 'Idempotency-Key': `pair-${index}` };
        return Promise.all([call(first, `/agents/${agent.id}/run`, { input: { index } }, headers), call(second, `/agents/${agent.id}/run`, { input: { index } }, headers)]);
      }),
    );

    for (const [a, b] of pairs) {
      expect([a.status, b.status]).toEqual([202, 202]);
      expect(a.body.runId).toBe(b.body.runId);
    }
    const runIds = new Set(pairs.map(([a]) => a.body.runId));
    started.push(...runIds);
    expect(runIds.size).toBe(PAIRS);
    expect(await count('agent_runs')).toBe(PAIRS);
    expect(await count('run_start_outbox')).toBe(0);
    // Visibility lags a moment behind the starts.
    const workflows = await pollUntil(() => temporal.workflow.count(`TaskQueue = "${taskQueue}"`), ({ count }) => count >= PAIRS, 15_000);
    expect(workflows.count).toBe(PAIRS);
  }, 120_000);
});
