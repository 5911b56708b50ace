import { TERMINAL_RUN_STATUSES, TOOL_ACTIVITY_OPTIONS, type AgentDefinition } from '@flowmate/contracts';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHttpFixture, type FixtureHandler, type FixtureResponse, type HttpFixture } from '../fakes/http-fixture';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { startOwnTemporal, type OutageServer } from './support/outage-servers';
import { drillSize } from './drill-scale';
import { gapsBetween, scriptedEndpoint, sideEffectKey, type Delivery } from './support/side-effects';

/**
 * The tool activity's retry policy (TOOL_ACTIVITY_OPTIONS): 1 s, then doubling, at most 5 attempts. A
 * `Retry-After` replaces the backoff (RateLimited's nextRetryDelay). The http.request tool gives up on a
 * silent server after its `timeoutMs` (30 s when the step sets none); it heartbeats every second meanwhile,
 * so the 5 s heartbeat timeout does not end a call that is merely slow.
 */
const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000];
const MAX_ATTEMPTS = TOOL_ACTIVITY_OPTIONS.retry.maximumAttempts;
/** Above the heartbeat timeout (5 s), to show a live worker's heartbeats keep a slow call going. */
const HANG_TIMEOUT_MS = drillSize<number | undefined>(7_000, undefined);
const HTTP_DEFAULT_TIMEOUT_MS = 30_000;
/** How late a retry may come on a loaded CI machine (2 cores, other drills running). */
const SLACK_MS = 6_000;
const STEP_KEY = 'call/hit';

interface StepRow {
  status: string;
  attempts: number;
  error: { type: string } | null;
}

/** Fault drills 5 (integration faults at the fakes) and 6 (cancel during each of them). */
describe('drills 5 and 6: integration faults, and cancel during each', () => {
  let stack: Stack;
  /** Its own: timed-out and retried activities load a Temporal, and the suite's shared one serves other tests meanwhile. */
  let temporal: OutageServer;
  let fixture: HttpFixture;
  let ada: Session;
  const routes = new Map<string, FixtureHandler>();

  beforeAll(async () => {
    fixture = await startHttpFixture((request) => {
      const path = new URL(request.path, 'http://fake').pathname;
      return routes.get(path)?.(request) ?? { status: 404, body: `no route for ${path}` };
    });
    temporal = await startOwnTemporal();
    stack = await startStack({ worker: true, env: { TEMPORAL_ADDRESS: temporal.address, HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort } });
    ada = await signIn(stack, 'ada@example.com');
  });

  afterAll(async () => {
    await stack?.stop();
    await fixture?.close();
    await temporal?.destroy();
  });

  /** A fresh path on the fake answering by `script`, and a run whose one step POSTs to it. */
  const runAgainst = async (script: (call: number) => FixtureResponse, timeoutMs?: number) => {
    const path = `/faults/${randomUUID()}`;
    const endpoint = scriptedEndpoint(script);
    routes.set(path, endpoint.handler);
    const definition: AgentDefinition = {
      name: 'Fault',
      microAgents: [
        {
          key: 'call',
          tools: ['http.request'],
          steps: [{ id: 'hit', tool: 'http.request', args: { method: 'POST', url: `{{input.baseUrl}}${path}`, body: { n: 1 }, ...(timeoutMs ? { timeoutMs } : {}) } }],
        },
      ],
    };
    const agent = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(201);
    const started = Date.now();
    const runId: string = (await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({ input: { baseUrl: fixture.url } }).expect(202)).body.runId;
    return { runId, started, deliveries: endpoint.deliveries };
  };

  const runOf = async (runId: string) => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body;
  const finished = (runId: string, timeoutMs = 120_000) => pollUntil(() => runOf(runId), (run) => TERMINAL_RUN_STATUSES.includes(run.status), timeoutMs);
  const stepOf = async (runId: string): Promise<StepRow[]> =>
    (await stack.db.query(`SELECT status, attempts, error FROM run_steps WHERE run_id = $1 AND step_key = $2`, [runId, STEP_KEY])) as StepRow[];
  const deliveredCalls = (deliveries: Delivery[], count: number) => pollUntil(async () => deliveries.length, (length) => length >= count, 60_000);

  /** Each request of the run's step carried the step's own idempotency key. */
  const expectKeyed = (deliveries: Delivery[], runId: string) => expect(deliveries.map((delivery) => delivery.key)).toEqual(deliveries.map(() => sideEffectKey(runId, STEP_KEY)));

  const report = (name: string, facts: Record<string, unknown>) => void process.stderr.write(`[drill ${name}] ${JSON.stringify(facts)}\n`);

  describe('drill 5: each fault gets its expected attempts and timing', () => {
    it('429 with Retry-After: 3 waits 3 s (not the 1 s backoff) before each retry, then succeeds', async () => {
      const { runId, deliveries, started } = await runAgainst((call) =>
        call < 2 ? { status: 429, headers: { 'Retry-After': '3' }, body: { error: 'slow down' } } : { status: 201, body: { ok: true } },
      );
      const run = await finished(runId);
      const gaps = gapsBetween(deliveries);
      report('5/429', { attempts: deliveries.length, gapsMs: gaps, runMs: Date.now() - started });

      expect(run.status).toBe('succeeded');
      expect(deliveries).toHaveLength(3);
      expectKeyed(deliveries, runId);
      for (const gap of gaps) {
        expect(gap).toBeGreaterThanOrEqual(3_000);
        expect(gap).toBeLessThan(3_000 + SLACK_MS);
      }
      expect(await stepOf(runId)).toEqual([expect.objectContaining({ status: 'succeeded', attempts: 3 })]);
    }, 60_000);

    it(`500 every time: ${MAX_ATTEMPTS} attempts with 1, 2, 4, 8 s backoff, then the run fails with HttpServerError`, async () => {
      const { runId, deliveries, started } = await runAgainst(() => ({ status: 500, body: 'boom' }));
      const run = await finished(runId);
      const gaps = gapsBetween(deliveries);
      report('5/500', { attempts: deliveries.length, gapsMs: gaps, runMs: Date.now() - started });

      expect(run.status).toBe('failed');
      expect(run.error.type).toBe('HttpServerError');
      expect(deliveries).toHaveLength(MAX_ATTEMPTS);
      expectKeyed(deliveries, runId);
      gaps.forEach((gap, index) => {
        expect(gap).toBeGreaterThanOrEqual(BACKOFF_MS[index]);
        expect(gap).toBeLessThan(BACKOFF_MS[index] + SLACK_MS);
      });
      expect(await stepOf(runId)).toEqual([expect.objectContaining({ status: 'failed', attempts: MAX_ATTEMPTS, error: expect.objectContaining({ type: 'HttpServerError' }) })]);
    }, 90_000);

    it('connection resets are network errors, retried with backoff, then the call succeeds', async () => {
      const { runId, deliveries, started } = await runAgainst((call) => (call < 2 ? { reset: true } : { status: 201, body: { ok: true } }));
      const run = await finished(runId);
      const gaps = gapsBetween(deliveries);
      report('5/reset', { attempts: deliveries.length, gapsMs: gaps, runMs: Date.now() - started });

      expect(run.status).toBe('succeeded');
      expect(deliveries).toHaveLength(3);
      expectKeyed(deliveries, runId);
      gaps.forEach((gap, index) => {
        expect(gap).toBeGreaterThanOrEqual(BACKOFF_MS[index]);
        expect(gap).toBeLessThan(BACKOFF_MS[index] + SLACK_MS);
      });
      expect(await stepOf(runId)).toEqual([expect.objectContaining({ status: 'succeeded', attempts: 3 })]);
    }, 60_000);

    it(`a server that never answers: the call gives up at its timeout (${HANG_TIMEOUT_MS ?? `default ${HTTP_DEFAULT_TIMEOUT_MS}`} ms), is retried, and succeeds`, async () => {
      const hangMs = HANG_TIMEOUT_MS ?? HTTP_DEFAULT_TIMEOUT_MS;
      const { runId, deliveries, started } = await runAgainst((call) => (call === 0 ? { hang: true } : { status: 201, body: { ok: true } }), HANG_TIMEOUT_MS);
      const run = await finished(runId);
      const gaps = gapsBetween(deliveries);
      report('5/hang', { timeoutMs: hangMs, attempts: deliveries.length, gapsMs: gaps, runMs: Date.now() - started });

      expect(run.status).toBe('succeeded');
      expect(deliveries).toHaveLength(2);
      expectKeyed(deliveries, runId);
      // The call's own timeout, then the 1 s backoff; the heartbeat timeout (5 s) did not cut it short.
      expect(gaps[0]).toBeGreaterThanOrEqual(hangMs + BACKOFF_MS[0]);
      expect(gaps[0]).toBeLessThan(hangMs + BACKOFF_MS[0] + SLACK_MS);
      // The hung request was given up by the client, not answered late.
      expect(fixture.requests.find((request) => request.headers['idempotency-key'] === sideEffectKey(runId, STEP_KEY))?.abandoned).toBe(true);
      expect(await stepOf(runId)).toEqual([expect.objectContaining({ status: 'succeeded', attempts: 2 })]);
    }, drillSize(60_000, 120_000));

    it('401 fails the run at once: one attempt, HttpClientError, no retry', async () => {
      const { runId, deliveries, started } = await runAgainst(() => ({ status: 401, body: { error: 'bad token' } }));
      const run = await finished(runId);
      const failedAfter = Date.now() - deliveries[0].at;
      // Long enough for a retry (1 s backoff) to have shown up, had there been one.
      await sleep(BACKOFF_MS[0] + 1_000);
      report('5/401', { attempts: deliveries.length, failedMsAfterCall: failedAfter, runMs: Date.now() - started });

      expect(run.status).toBe('failed');
      expect(run.error.type).toBe('HttpClientError');
      expect(deliveries).toHaveLength(1);
      expectKeyed(deliveries, runId);
      expect(failedAfter).toBeLessThan(SLACK_MS);
      expect(await stepOf(runId)).toEqual([expect.objectContaining({ status: 'failed', attempts: 1, error: expect.objectContaining({ type: 'HttpClientError' }) })]);
    }, 60_000);
  });

  describe('drill 6: cancel during each fault leaves a cancelled run and no running workflow', () => {
    const workflowsOf = (runId: string) => [`run-${runId}`, `run-${runId}/call`];
    const runningWorkflows = async (runId: string): Promise<string[]> => {
      const statuses = await Promise.all(workflowsOf(runId).map(async (id) => [id, (await stack.temporal.workflow.getHandle(id).describe()).status.name] as const));
      return statuses.filter(([, status]) => status === 'RUNNING').map(([id]) => id);
    };

    /** Starts a run against `script`, cancels it once `ready` holds, and checks how it ended. */
    const cancelDuring = async (name: string, script: (call: number) => FixtureResponse, callsBeforeCancel: number, timeoutMs?: number) => {
      const { runId, deliveries } = await runAgainst(script, timeoutMs);
      await deliveredCalls(deliveries, callsBeforeCancel);
      // Into the fault: the backoff after a failed call, or the call itself when it hangs.
      await sleep(300);
      const askedAt = Date.now();
      await stack.http.post(`/api/v1/runs/${runId}/cancel`).set('Authorization', ada.bearer).expect(202);
      const answeredAt = Date.now();

      const run = await finished(runId, 30_000);
      const cancelledAfter = Date.now() - askedAt;
      const running = await pollUntil(() => runningWorkflows(runId), (ids) => ids.length === 0, 15_000);
      // Long enough for the next retry of any of these faults to show up, had one been made.
      await sleep(BACKOFF_MS[callsBeforeCancel - 1] + 1_000);
      const step = await stepOf(runId);
      report(`6/${name}`, { callsBeforeCancel, callsAfterCancel: deliveries.filter((delivery) => delivery.at > answeredAt).length, runEndedMsAfterCancel: cancelledAfter, step });

      expect(run.status).toBe('cancelled');
      expect(run.error).toEqual(expect.objectContaining({ type: 'Cancelled' }));
      expect(running).toEqual([]);
      // The cancel flag is set before the 202: no attempt made after it reaches the fake.
      expect(deliveries.filter((delivery) => delivery.at > answeredAt)).toEqual([]);
      expect(deliveries).toHaveLength(callsBeforeCancel);
      // Closed, each call an attempt. A step cancelled in its backoff keeps its last attempt's `failed` (see the report).
      expect(step).toEqual([expect.objectContaining({ status: expect.not.stringMatching(/^(running|pending)$/), attempts: callsBeforeCancel })]);
      return { runId, deliveries, step };
    };

    it('during a 429 Retry-After wait', async () => {
      await cancelDuring('429', () => ({ status: 429, headers: { 'Retry-After': '60' }, body: { error: 'slow down' } }), 1);
    }, 90_000);

    it('during the backoff between 500s', async () => {
      await cancelDuring('500', () => ({ status: 500, body: 'boom' }), 2);
    }, 90_000);

    it('during the backoff after connection resets', async () => {
      await cancelDuring('reset', () => ({ reset: true }), 2);
    }, 90_000);

    it('during a call the server never answers: the call is aborted and the step cancelled', async () => {
      const { runId, step } = await cancelDuring('hang', () => ({ hang: true }), 1, 60_000);
      expect(step).toEqual([expect.objectContaining({ status: 'cancelled', attempts: 1 })]);
      expect(fixture.requests.find((request) => request.headers['idempotency-key'] === sideEffectKey(runId, STEP_KEY))?.abandoned).toBe(true);
    }, 90_000);

    it('during a call whose answer, had it come, is a 401', async () => {
      // The 401 comes 10 s after the call: the cancel, delivered by the next heartbeat, gets there first.
      const { step } = await cancelDuring('401', () => ({ status: 401, body: { error: 'bad token' }, delayMs: 10_000 }), 1);
      expect(step).toEqual([expect.objectContaining({ status: 'cancelled', attempts: 1 })]);
    }, 90_000);
  });
});
