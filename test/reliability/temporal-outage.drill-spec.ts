import { TERMINAL_RUN_STATUSES, type AgentDefinition } from '@flowmate/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { drillSize } from './drill-scale';
import { startOwnTemporal, type OutageServer } from './support/outage-servers';

const RUNS_BEFORE = drillSize(4, 20);
const RUNS_DURING = drillSize(3, 10);
const OUTAGE_MS = drillSize(12_000, 45_000);
const STEP_LATENCY_MS = 1_500;

/**
 * Drill 3: Temporal stops under load and comes back on the same database file. The API and the worker
 * are not restarted; runs started before finish, starts during the outage are accepted (the outbox) and
 * run afterwards, and the API never answers 500 meanwhile.
 */
describe('Temporal outage under load (drill)', () => {
  let temporal: OutageServer;
  let fixture: HttpFixture;
  let stack: Stack;
  let worker: WorkerProcess;
  let ada: Session;

  beforeAll(async () => {
    temporal = await startOwnTemporal();
    fixture = await startHttpFixture({ 'POST /charge': { status: 201, body: { charged: true }, delayMs: STEP_LATENCY_MS } });
    stack = await startStack({ env: { TEMPORAL_ADDRESS: temporal.address, HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort } });
    worker = await startWorkerProcess(stack.config);
    ada = await signIn(stack, 'ada@example.com');
  }, 120_000);

  afterAll(async () => {
    worker?.process.kill('SIGKILL');
    await worker?.exited;
    await stack?.stop();
    await fixture?.close();
    await temporal?.destroy();
  });

  const chargingAgent: AgentDefinition = {
    name: 'Charges twice',
    microAgents: [
      {
        key: 'pay',
        tools: ['http.request'],
        steps: [
          { id: 'first', tool: 'http.request', args: { method: 'POST', url: `{{input.base}}/charge`, body: { n: '{{input.n}}' } } },
          { id: 'second', tool: 'http.request', args: { method: 'POST', url: `{{input.base}}/charge`, body: { n: '{{input.n}}' } } },
        ],
      },
    ],
  };

  const statuses: number[] = [];
  const api = async (method: 'get' | 'post', path: string, body?: object) => {
    const response = await stack.http[method](`/api/v1${path}`).set('Authorization', ada.bearer).send(body);
    statuses.push(response.status);
    return response;
  };

  it('finishes every run started before, starts every run accepted during it, and never answers 500', async () => {
    const agentId = (await api('post', '/agents', chargingAgent)).body.id as string;
    const start = async (n: number): Promise<string> => (await api('post', `/agents/${agentId}/run`, { input: { base: fixture.url, n } })).body.runId;
    const before = await Promise.all(Array.from({ length: RUNS_BEFORE }, (_, n) => start(n)));
    await pollUntil(async () => fixture.requests.length, (count) => count >= RUNS_BEFORE, 30_000);

    await temporal.stop();
    const stoppedAt = Date.now();
    const during: string[] = [];
    for (let n = 0; n < RUNS_DURING; n += 1) during.push(await start(RUNS_BEFORE + n));
    do {
      await api('get', `/runs/${before[0]}`);
      await api('get', '/runs');
      statuses.push((await stack.http.get('/health/ready')).status);
      await sleep(1_000);
    } while (Date.now() - stoppedAt < OUTAGE_MS);
    expect(await stack.db.query(`SELECT count(*)::int AS waiting FROM run_start_outbox`)).toEqual([{ waiting: RUNS_DURING }]);
    await temporal.start();
    const restartedAt = Date.now();

    const runIds = [...before, ...during];
    const finished = await Promise.all(
      runIds.map((runId) => pollUntil(async () => (await api('get', `/runs/${runId}`)).body, (run) => TERMINAL_RUN_STATUSES.includes(run.status), 180_000)),
    );
    const recoverySeconds = (Date.now() - restartedAt) / 1000;
    process.stderr.write(`drill 3: ${runIds.length} runs, outage ${OUTAGE_MS / 1000} s, all ended ${recoverySeconds.toFixed(1)} s after Temporal was back\n`);

    expect(finished.map((run) => run.status)).toEqual(runIds.map(() => 'succeeded'));
    expect(statuses.filter((status) => status >= 500 && status !== 503)).toEqual([]);
    expect(statuses).toContain(503);
    // Each step's call reached the far end once: the http.request tool sends `Idempotency-Key: <run>:<step>`.
    const calls = new Map<string, number>();
    for (const request of fixture.requests) calls.set(request.headers['idempotency-key'], (calls.get(request.headers['idempotency-key']) ?? 0) + 1);
    expect([...calls.keys()].sort()).toEqual(runIds.flatMap((runId) => [`${runId}:pay/first`, `${runId}:pay/second`]).sort());
    expect([...calls.values()].every((count) => count === 1)).toBe(true);
    const rows = await stack.db.query(`SELECT run_id, count(*)::int AS steps FROM run_steps WHERE kind = 'tool' GROUP BY run_id`);
    expect(rows).toHaveLength(runIds.length);
    expect(rows.every((row: { steps: number }) => row.steps === 2)).toBe(true);
  }, 420_000);
});
