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

  it('refuses a run with 503, keeps it as StartFailed, and starts it on a retry once Temporal is back', async () => {
    const session = await signIn(stack, 'ada@example.com');
    const agentId = (await stack.http.post('/api/v1/agents').set('Authorization', session.bearer).send(factory.agent()).expect(201)).body.id;
    const start = (on: Stack) =>
      on.http.post(`/api/v1/agents/${agentId}/run`).set('Authorization', session.bearer).set('Idempotency-Key', 'retry-me').send({ input: { n: 1 } });

    const refused = await start(stack).expect(503);

    expect(refused.body.message).toContain('Retry with the same Idempotency-Key');
    const runs = await stack.http.get(`/api/v1/runs?agentId=${agentId}`).set('Authorization', session.bearer).expect(200);
    expect(runs.body.items).toEqual([expect.objectContaining({ status: 'failed', error: { type: 'StartFailed', message: expect.any(String) } })]);
    const runId: string = runs.body.items[0].id;
    expect(refused.body.message).toContain(runId);

    // The same database behind an API that reaches Temporal, with a worker: the retry starts the same run.
    const recovered = await startStack({ worker: true, shareDatabaseWith: stack });
    try {
      const retried = await start(recovered).expect(202);
      expect(retried.body).toMatchObject({ runId, status: 'queued' });
      const run = await pollUntil(
        async () => (await recovered.http.get(`/api/v1/runs/${runId}`).set('Authorization', session.bearer).expect(200)).body,
        (body) => body.status === 'succeeded' || body.status === 'failed',
      );
      expect(run).toMatchObject({ status: 'succeeded', error: null });
    } finally {
      await recovered.stop();
    }
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
