import { TERMINAL_RUN_STATUSES } from '@flowmate/contracts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHttpFixture, type HttpFixture } from '../test/fakes/http-fixture';
import { signIn, type Session } from '../test/support/auth';
import { pollUntil } from '../test/support/poll';
import { startStack, type Stack } from '../test/support/stack';

/**
 * The cancel goal of issue 9: from `POST /runs/:id/cancel` to every workflow of the run closed, p95 under
 * 5 s over CANCEL_RUNS runs (default 20), each cancelled while its tool waits on a slow HTTP call; and no
 * tool call starts after the 202. Run with `npm run bench:cancel`; the numbers go to stdout and to
 * performance/results/cancel-latency.json.
 */
const RUNS = Number(process.env.CANCEL_RUNS ?? 20);
const GOAL_P95_MS = 5_000;

describe('cancel latency', () => {
  let stack: Stack;
  let fixture: HttpFixture;
  let ada: Session;

  beforeAll(async () => {
    fixture = await startHttpFixture({ 'GET /slow': { body: {}, delayMs: 60_000 }, 'GET /after': { body: {} } });
    stack = await startStack({ worker: true, env: { HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort } });
    ada = await signIn(stack, 'ada@example.com');
  });
  afterAll(async () => {
    await stack.stop();
    await fixture.close();
  });

  const closed = async (workflowId: string): Promise<boolean> => (await stack.temporal.workflow.getHandle(workflowId).describe()).status.name !== 'RUNNING';

  it(`closes a cancelled run within ${GOAL_P95_MS} ms at p95 over ${RUNS} runs`, async () => {
    const agent = await stack.http
      .post('/api/v1/agents')
      .set('Authorization', ada.bearer)
      .send({
        name: 'Slow',
        microAgents: [
          {
            key: 'fetch',
            tools: ['http.request'],
            steps: [
              { id: 'slow', tool: 'http.request', args: { method: 'GET', url: `${fixture.url}/slow` } },
              { id: 'after', tool: 'http.request', args: { method: 'GET', url: `${fixture.url}/after` } },
            ],
          },
        ],
      })
      .expect(201);
    const latencies: number[] = [];
    for (let index = 0; index < RUNS; index += 1) {
      const slowCalls = fixture.requests.length;
      const { runId } = (await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({}).expect(202)).body;
      await pollUntil(async () => fixture.requests.length, (count) => count > slowCalls);
      const requestsAtCancel = fixture.requests.length;

      const asked = performance.now();
      await stack.http.post(`/api/v1/runs/${runId}/cancel`).set('Authorization', ada.bearer).expect(202);
      await pollUntil(async () => (await closed(`run-${runId}`)) && (await closed(`run-${runId}/fetch`)), (done) => done, 30_000);
      latencies.push(performance.now() - asked);

      const run = await pollUntil(
        async () => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer)).body,
        (body) => TERMINAL_RUN_STATUSES.includes(body.status),
      );
      expect(run.status).toBe('cancelled');
      expect(fixture.requests.length).toBe(requestsAtCancel);
    }

    const sorted = [...latencies].sort((a, b) => a - b);
    const percentile = (p: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
    const result = { runs: RUNS, p50Ms: percentile(50), p95Ms: percentile(95), maxMs: Math.round(sorted[sorted.length - 1]), measuredAt: new Date().toISOString() };
    process.stdout.write(`cancel latency: ${JSON.stringify(result)}\n`);
    writeFileSync(join(__dirname, 'results', 'cancel-latency.json'), `${JSON.stringify(result, null, 2)}\n`);
    expect(result.p95Ms).toBeLessThan(GOAL_P95_MS);
  }, 600_000);
});
