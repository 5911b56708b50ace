import { version } from '../../package.json';
import { signIn } from '../support/auth';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

/** What an operator reads of a running installation: dependencies, workers, schedules and version. */
describe('GET /health/detailed (e2e)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ worker: true });
  });
  afterAll(() => stack.stop());

  it('shows each dependency with its latency, the workers polling, the schedules and the version', async () => {
    const ada = await signIn(stack, 'ada@example.com');
    const agentIds: string[] = [];
    for (const name of ['firing', 'paused']) {
      agentIds.push((await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(factory.agent({ name })).expect(201)).body.id);
    }
    await stack.http.put(`/api/v1/agents/${agentIds[0]}/schedule`).set('Authorization', ada.bearer).send({ intervalSeconds: 3600 }).expect(200);
    await stack.http.put(`/api/v1/agents/${agentIds[1]}/schedule`).set('Authorization', ada.bearer).send({ intervalSeconds: 3600, paused: true }).expect(200);

    // A worker registers as a poller of each task type once its first long poll reaches the server.
    const { body } = await pollUntil(
      () => stack.http.get('/health/detailed').set('Authorization', ada.bearer).expect(200),
      ({ body }) => new Set((body.pollers ?? []).map((poller: { kind: string }) => poller.kind)).size === 2,
    );

    expect(body).toMatchObject({
      status: 'ok',
      version: { flowmate: version, node: process.version },
      dependencies: { postgres: { up: true, latencyMs: expect.any(Number) }, temporal: { up: true, latencyMs: expect.any(Number) } },
      schedules: { stored: 2, firing: 1 },
      runStartBacklog: { pending: 0, oldestSeconds: 0 },
      workersPolling: 1,
    });
    expect(body.pollers).toEqual(
      expect.arrayContaining([
        { kind: 'workflow', identity: expect.stringContaining('@'), lastSeenAt: expect.any(String) },
        { kind: 'activity', identity: expect.stringContaining('@'), lastSeenAt: expect.any(String) },
      ]),
    );
    for (const poller of body.pollers) expect(Date.now() - Date.parse(poller.lastSeenAt)).toBeLessThan(60_000);
  });

  it('is for signed-in callers only', async () => {
    await stack.http.get('/health/detailed').expect(401);
  });
});
