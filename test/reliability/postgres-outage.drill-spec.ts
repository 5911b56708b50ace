import type { AgentDefinition } from '@flowmate/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { drillSize } from './drill-scale';
import { startOwnPostgres, type OutageServer } from './support/outage-servers';

interface RunSummary {
  id: string;
  status: string;
}

interface StepRow {
  run_id: string;
  step_key: string;
  status: string;
}

/** Each step's call takes a moment, so calls are in flight, and history is being written, when Postgres stops. */
const CALL_MS = drillSize(1_500, 2_000);
/** Every run's rows: one per micro agent, one per tool step. */
const EXPECTED_STEP_KEYS = ['first', 'first/one', 'first/two', 'second', 'second/three'];
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'timed_out']);

/**
 * Fault drill 4: Postgres (the drill's own) stops for a while as runs write history. History activities
 * wait it out, so every run completes with one history row per step and one call per step; the API
 * answers 503 (or a 4xx), never 500, while Postgres is down.
 */
describe('fault drill: Postgres stops while runs write history', () => {
  const outageMs = drillSize(8_000, 45_000);
  const runCount = drillSize(3, 20);
  let postgres: OutageServer;
  let fixture: HttpFixture;
  let stack: Stack;
  let worker: WorkerProcess | undefined;
  let ada: Session;

  beforeAll(async () => {
    postgres = await startOwnPostgres();
    fixture = await startHttpFixture({ 'POST /work': { status: 201, body: { done: true }, delayMs: CALL_MS } });
    stack = await startStack({
      databaseUrl: postgres.address,
      // Fail fast against a dead server, as production's defaults allow; the outage is what is measured.
      env: { HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort, DATABASE_CONNECT_TIMEOUT_MS: '2000' },
    });
    worker = await startWorkerProcess(stack.config, { DATABASE_CONNECT_TIMEOUT_MS: '2000' });
    ada = await signIn(stack, 'ada@example.com');
  }, 120_000);

  afterAll(async () => {
    if (worker) {
      worker.process.kill('SIGKILL');
      await worker.exited;
    }
    await postgres?.start().catch(() => undefined);
    await stack?.stop();
    await fixture?.close();
    await postgres?.destroy();
  }, 60_000);

  const work = (id: string) => ({ id, tool: 'http.request' as const, args: { method: 'POST', url: `${fixture.url}/work`, body: { n: '{{input.n}}', step: id } } });
  const agent: () => AgentDefinition = () => ({
    name: 'Writes history through an outage',
    microAgents: [
      { key: 'first', tools: ['http.request'], steps: [work('one'), work('two')] },
      { key: 'second', dependsOn: ['first'], tools: ['http.request'], steps: [work('three')] },
    ],
  });

  /** Every answer to a handful of routes while Postgres is down. */
  const probe = async (agentId: string, runId: string): Promise<Array<{ route: string; status: number; body: unknown }>> => {
    const auth = { Authorization: ada.bearer };
    const requests: Array<[string, () => Promise<{ status: number; body: unknown }>]> = [
      ['GET /api/v1/runs', () => stack.http.get('/api/v1/runs').set(auth)],
      ['GET /api/v1/runs/:id', () => stack.http.get(`/api/v1/runs/${runId}`).set(auth)],
      ['GET /api/v1/agents', () => stack.http.get('/api/v1/agents').set(auth)],
      ['POST /api/v1/agents/:id/run', () => stack.http.post(`/api/v1/agents/${agentId}/run`).set(auth).send({ input: { n: 'during-outage' } })],
      ['GET /health/ready', () => stack.http.get('/health/ready')],
    ];
    const answers = [];
    for (const [route, send] of requests) {
      const { status, body } = await send();
      answers.push({ route, status, body });
    }
    return answers;
  };

  it(
    'delays runs instead of failing them: complete history, one call per step, 503 not 500 meanwhile',
    async () => {
      const agentId = (await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(agent()).expect(201)).body.id as string;
      const runIds: string[] = [];
      for (let n = 0; n < runCount; n++) {
        runIds.push((await stack.http.post(`/api/v1/agents/${agentId}/run`).set('Authorization', ada.bearer).send({ input: { n } }).expect(202)).body.runId);
      }
      // Every run is inside its first call: its result will come back while Postgres is down.
      await pollUntil(async () => fixture.requests.length, (count) => count >= runCount, 60_000);

      const stoppedAt = Date.now();
      await postgres.stop();
      const answers = [];
      while (Date.now() - stoppedAt < outageMs) {
        answers.push(...(await probe(agentId, runIds[0])));
        await sleep(Math.min(3_000, outageMs / 3));
      }
      await sleep(Math.max(0, outageMs - (Date.now() - stoppedAt)));
      await postgres.start();
      const restartedAt = Date.now();
      const downMs = restartedAt - stoppedAt;

      // While it was down: a 503 (or a 4xx), never a 500; readiness names Postgres.
      expect(answers.filter((answer) => answer.status >= 500 && answer.status !== 503)).toEqual([]);
      expect(answers.filter((answer) => answer.status === 503).length).toBeGreaterThan(0);
      expect(answers.filter((answer) => answer.route === 'GET /health/ready').every((answer) => answer.status === 503)).toBe(true);
      expect(answers.find((answer) => answer.route === 'GET /api/v1/runs')).toMatchObject({ status: 503, body: { statusCode: 503, error: 'Service Unavailable', correlationId: expect.any(String) } });

      // Afterwards: every run completes.
      const runs = await pollUntil(
        async () => Promise.all(runIds.map(async (id) => (await stack.http.get(`/api/v1/runs/${id}`).set('Authorization', ada.bearer)).body as RunSummary)),
        (all) => all.every((run) => TERMINAL.has(run.status)),
        drillSize(120_000, 300_000),
      );
      const recoveredInMs = Date.now() - restartedAt;
      const lost = runs.filter((run) => run.status !== 'succeeded');
      const rows = (await stack.db.query(`SELECT run_id, step_key, status FROM run_steps WHERE run_id = ANY($1) ORDER BY run_id, step_key`, [runIds])) as StepRow[];
      const calls = new Map<string, number>();
      for (const request of fixture.requests) {
        const key = request.headers['idempotency-key'];
        if (runIds.some((id) => key?.startsWith(`${id}:`))) calls.set(key, (calls.get(key) ?? 0) + 1);
      }
      const duplicateCalls = [...calls].filter(([, count]) => count > 1);
      process.stderr.write(
        `[drill 4] ${runCount} runs, Postgres down ${downMs} ms; ${answers.length} API answers meanwhile (${[...new Set(answers.map((answer) => answer.status))].join(', ')}); ` +
          `all terminal ${recoveredInMs} ms after restart; lost ${lost.length} (${lost.map((run) => run.status).join(', ')}); duplicate calls ${duplicateCalls.length}\n`,
      );

      expect(lost).toEqual([]);
      for (const runId of runIds) {
        const ofRun = rows.filter((row) => row.run_id === runId);
        // One row per micro agent and per step: no duplicates, none missing, all done.
        expect(ofRun.map((row) => row.step_key).sort()).toEqual(EXPECTED_STEP_KEYS);
        expect(ofRun.every((row) => row.status === 'succeeded')).toBe(true);
      }
      // Each call, a side effect, happened once per (run, step).
      expect(duplicateCalls).toEqual([]);
      expect(calls.size).toBe(runCount * 3);
    },
    drillSize(240_000, 600_000),
  );
});
