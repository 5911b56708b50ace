import { signIn } from '../support/auth';
import { factory } from '../support/factory';
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

  it('refuses a run with 503 and records it as failed to start, not lost', async () => {
    const session = await signIn(stack, 'ada@example.com');
    const agentId = (await stack.http.post('/api/v1/agents').set('Authorization', session.bearer).send(factory.agent()).expect(201)).body.id;

    const started = await stack.http.post(`/api/v1/agents/${agentId}/run`).set('Authorization', session.bearer).send({}).expect(503);

    expect(started.body.message).toContain('Temporal could not be reached');
    const runs = await stack.http.get(`/api/v1/runs?agentId=${agentId}`).set('Authorization', session.bearer).expect(200);
    expect(runs.body.items).toEqual([expect.objectContaining({ status: 'failed', error: { type: 'StartFailed', message: expect.any(String) } })]);
  });
});
