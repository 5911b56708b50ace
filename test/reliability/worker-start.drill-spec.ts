import { freePort } from '../../scripts/dev-stack/ports';
import { signIn } from '../support/auth';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { drillSize } from './drill-scale';
import { ownTemporalNotYetStarted, type OutageServer } from './support/outage-servers';
import { spawnWorker, type SpawnedWorker } from './support/outage-worker';

const RETRY_LOG = 'worker could not connect; retrying';

interface Readiness {
  status: number;
  body: { status?: string; state?: string; checks?: { postgres: boolean; temporal: boolean } };
}

const readiness = async (worker: SpawnedWorker): Promise<Readiness> => {
  try {
    const response = await fetch(`${worker.telemetryUrl}/health/ready`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: (await response.json()) as Readiness['body'] };
  } catch {
    return { status: 0, body: {} };
  }
};
const liveStatus = async (worker: SpawnedWorker): Promise<number> => (await fetch(`${worker.telemetryUrl}/health/live`)).status;

/**
 * Fault drill 8: a worker started while Temporal is down keeps retrying with backoff, says it is not ready,
 * and polls once Temporal is back; a signal while it retries stops it at once.
 */
describe('fault drill: a worker started while Temporal is down', () => {
  /** How long Temporal stays down after the worker started. */
  const downMs = drillSize(4_000, 30_000);
  let temporal: OutageServer;
  let stack: Stack;
  const workers: SpawnedWorker[] = [];

  beforeAll(async () => {
    temporal = await ownTemporalNotYetStarted();
    // The API (and its database) on the drill's Temporal: it boots without it and reconnects when it is up.
    stack = await startStack({ env: { TEMPORAL_ADDRESS: temporal.address } });
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await stack?.stop();
    await temporal?.destroy();
  }, 60_000);

  const worker = async (env: Record<string, string> = {}): Promise<SpawnedWorker> => {
    const spawned = spawnWorker(stack.config, await freePort(), env);
    workers.push(spawned);
    return spawned;
  };

  it(
    'retries, reports not ready, and polls and runs agents once Temporal is back',
    async () => {
      const sut = await worker();
      const startedAt = Date.now();

      const retrying = await pollUntil(async () => sut.logged(RETRY_LOG), (lines) => lines.length >= 2 && Date.now() - startedAt >= downMs, downMs + 30_000);
      expect(sut.process.exitCode).toBeNull();
      expect(retrying.length).toBeGreaterThanOrEqual(2);
      // Every failed try is logged with what failed and when the next comes (jittered backoff, at most 10 s).
      expect(retrying.map((line) => line.attempt)).toEqual(retrying.map((_, index) => index + 1));
      for (const line of retrying) expect(line).toMatchObject({ level: 40, retryInMs: expect.any(Number), error: expect.any(String) });
      expect(Math.max(...retrying.map((line) => line.retryInMs as number))).toBeLessThanOrEqual(10_000);
      expect(await liveStatus(sut)).toBe(200);
      expect(await readiness(sut)).toEqual({ status: 503, body: { status: 'unavailable', state: 'STARTING', checks: { postgres: false, temporal: false } } });
      expect(sut.logged('worker polling')).toEqual([]);

      await temporal.start();
      const backAt = Date.now();
      const polling = await pollUntil(async () => sut.logged('worker polling'), (lines) => lines.length > 0 || sut.process.exitCode !== null, 30_000);
      expect(polling).toHaveLength(1);
      const ready = await pollUntil(() => readiness(sut), (answer) => answer.status === 200, 15_000);
      expect(ready).toEqual({ status: 200, body: { status: 'ok', state: 'RUNNING', checks: { postgres: true, temporal: true } } });
      const recoveredInMs = Date.now() - backAt;

      // It does the work: a run started through the API (which reconnected by itself) succeeds on it.
      const session = await signIn(stack, 'ada@example.com');
      const agentId = (await stack.http.post('/api/v1/agents').set('Authorization', session.bearer).send(factory.agent()).expect(201)).body.id;
      const { runId } = (await stack.http.post(`/api/v1/agents/${agentId}/run`).set('Authorization', session.bearer).send({}).expect(202)).body;
      const run = await pollUntil(
        async () => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', session.bearer).expect(200)).body,
        (body) => body.status === 'succeeded' || body.status === 'failed',
        30_000,
      );
      expect(run).toMatchObject({ status: 'succeeded' });
      process.stderr.write(`[drill 8] ${retrying.length}+ failed tries over ${Math.round((backAt - startedAt) / 1000)} s; polling and ready ${recoveredInMs} ms after Temporal was back\n`);
    },
    drillSize(120_000, 180_000),
  );

  it(
    'stops at once on SIGTERM while it retries, with Postgres and Temporal both unreachable',
    async () => {
      const nobodyListens = await freePort();
      const sut = await worker({
        TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
        DATABASE_URL: `postgres://flowmate:flowmate@127.0.0.1:${nobodyListens}/flowmate`,
      });
      const retrying = await pollUntil(async () => sut.logged(RETRY_LOG), (lines) => lines.length >= 3 || sut.process.exitCode !== null, 30_000);
      expect({ retries: retrying.length >= 3, output: sut.output() }).toEqual({ retries: true, output: expect.any(String) });
      // Postgres is tried first: the log names it.
      expect(String(retrying[0].error)).toContain(`${nobodyListens}`);
      expect((await readiness(sut)).status).toBe(503);

      const signalledAt = Date.now();
      sut.process.kill('SIGTERM');
      const exit = await sut.exited;
      const stopMs = Date.now() - signalledAt;

      expect(exit).toEqual({ code: 0, signal: null });
      expect(stopMs).toBeLessThan(3_000);
      expect(sut.logged('worker stopped before it could connect')).toHaveLength(1);
      process.stderr.write(`[drill 8] SIGTERM while retrying: exited in ${stopMs} ms\n`);
    },
    60_000,
  );
});
