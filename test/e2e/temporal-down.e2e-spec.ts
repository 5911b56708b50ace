import { signIn } from '../support/auth';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

describe('API while Temporal is unreachable (e2e)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });
  });
  afterAll(() => stack.stop());

  it('boots, stays live and reports not ready, naming Temporal', async () => {
    await stack.http.get('/health/live').expect(200);
    const ready = await stack.http.get('/health/ready').expect(503);
    expect(ready.body).toMatchObject({ statusCode: 503, message: 'Not ready', details: [{ path: 'temporal', message: 'unreachable' }] });
  });

  it('accepts a run with 202 queued, keeps it in the outbox, and starts it once an API that reaches Temporal is up', async () => {
    const session = await signIn(stack, 'ada@example.com');
    const agentId = (await stack.http.post('/api/v1/agents').set('Authorization', session.bearer).send(factory.agent()).expect(201)).body.id;
    const start = (on: Stack) =>
      on.http.post(`/api/v1/agents/${agentId}/run`).set('Authorization', session.bearer).set('Idempotency-Key', 'during-outage').send({ input: { n: 1 } });

    const accepted = await start(stack).expect(202);

    const runId: string = accepted.body.runId;
    expect(accepted.body).toMatchObject({ status: 'queued' });
    expect(await stack.db.query(`SELECT attempts FROM run_start_outbox WHERE run_id = $1`, [runId])).toEqual([{ attempts: expect.any(Number) }]);
    // A repeated request is the same run, still waiting: never a second one.
    expect((await start(stack).expect(202)).body).toMatchObject({ runId, status: 'queued' });
    const detailed = await stack.http.get('/health/detailed').set('Authorization', session.bearer).expect(200);
    expect(detailed.body.runStartBacklog).toMatchObject({ pending: 1, oldestSeconds: expect.any(Number) });
    const { text: metrics } = await stack.http.get('/metrics').expect(200);
    expect(metrics).toMatch(/^flowmate_run_start_backlog 1$/m);
    expect(Number(/^flowmate_run_start_oldest_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);

    // The same database behind an API that reaches Temporal, with a worker: its relay starts the run.
    const recovered = await startStack({ worker: true, shareDatabaseWith: stack });
    try {
      const run = await pollUntil(
        async () => (await recovered.http.get(`/api/v1/runs/${runId}`).set('Authorization', session.bearer).expect(200)).body,
        (body) => body.status === 'succeeded' || body.status === 'failed',
        60_000,
      );
      expect(run).toMatchObject({ status: 'succeeded', error: null });
      expect(await stack.db.query(`SELECT run_id FROM run_start_outbox`)).toEqual([]);
    } finally {
      await recovered.stop();
    }
  });

  it('cancels a run still waiting in the outbox: it never starts', async () => {
    const session = await signIn(stack, 'linus@example.com');
    const agentId = (await stack.http.post('/api/v1/agents').set('Authorization', session.bearer).send(factory.agent()).expect(201)).body.id;
    const { runId } = (await stack.http.post(`/api/v1/agents/${agentId}/run`).set('Authorization', session.bearer).send({}).expect(202)).body;

    await stack.http.post(`/api/v1/runs/${runId}/cancel`).set('Authorization', session.bearer).expect(202);

    const run = (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', session.bearer).expect(200)).body;
    expect(run).toMatchObject({ status: 'cancelled', error: { type: 'Cancelled' } });
    expect(await stack.db.query(`SELECT run_id FROM run_start_outbox WHERE run_id = $1`, [runId])).toEqual([]);
  });

  it('answers schedule changes with 503 and stores nothing; deleting a scheduled agent still works', async () => {
    const session = await signIn(stack, 'grace@example.com');
    const agentId = (await stack.http.post('/api/v1/agents').set('Authorization', session.bearer).send(factory.agent()).expect(201)).body.id;
    const refused = await stack.http.put(`/api/v1/agents/${agentId}/schedule`).set('Authorization', session.bearer).send({ intervalSeconds: 60 }).expect(503);
    expect(refused.body.message).toContain('Temporal could not be reached');
    await stack.http.get(`/api/v1/agents/${agentId}/schedule`).set('Authorization', session.bearer).expect(404);

    // A schedule stored while Temporal was up: its agent's deletion leaves the Temporal side to the reconciler.
    await stack.db.query(`INSERT INTO schedules (agent_id, user_id, temporal_schedule_id, spec) VALUES ($1, $2, $3, $4)`, [
      agentId,
      session.user.id,
      `agent-${agentId}`,
      JSON.stringify({ intervalSeconds: 60, timezone: 'UTC', paused: false, overlap: 'skip', catchupWindowSeconds: 3600, jitterSeconds: 0, input: {} }),
    ]);
    await stack.http.delete(`/api/v1/agents/${agentId}`).set('Authorization', session.bearer).expect(204);
  });
});
