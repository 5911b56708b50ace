import { TERMINAL_RUN_STATUSES, type AgentDefinition, type ConcurrencyPolicy } from '@flowmate/contracts';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

interface RunBody {
  id: string;
  status: string;
  heldBy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

/** An agent's concurrency policy, through two real API processes, a worker, Temporal and Postgres. */
describe('concurrency policy (e2e)', () => {
  let stack: Stack;
  let second: Stack;
  let fixture: HttpFixture;
  let ada: Session;

  beforeAll(async () => {
    fixture = await startHttpFixture({ 'GET /slow': { body: { done: true }, delayMs: 1_500 } });
    stack = await startStack({ worker: true, env: { HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort } });
    second = await startStack({ shareDatabaseWith: stack });
    ada = await signIn(stack, 'ada@example.com');
  });
  afterAll(async () => {
    await second.stop();
    await stack.stop();
    await fixture.close();
  });

  const slowAgent = (policy: ConcurrencyPolicy): AgentDefinition => ({
    name: `Slow (${policy})`,
    concurrency: { policy },
    microAgents: [{ key: 'wait', tools: ['http.request'], steps: [{ id: 'slow', tool: 'http.request', args: { method: 'GET', url: `${fixture.url}/slow` } }] }],
  });

  const createAgent = async (policy: ConcurrencyPolicy): Promise<string> =>
    (await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(slowAgent(policy)).expect(201)).body.id;

  const start = (agentId: string, api: Stack = stack) => api.http.post(`/api/v1/agents/${agentId}/run`).set('Authorization', ada.bearer).send({});
  const runOf = async (runId: string): Promise<RunBody> => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body;
  const finished = (runId: string) => pollUntil(() => runOf(runId), (run) => TERMINAL_RUN_STATUSES.includes(run.status as never), 60_000);
  const running = (runId: string) => pollUntil(() => runOf(runId), (run) => run.status === 'running', 30_000);

  it('allow: a second run starts beside the first', async () => {
    const agentId = await createAgent('allow');
    const first = (await start(agentId).expect(202)).body.runId;
    const secondRun = (await start(agentId).expect(202)).body.runId;

    const [a, b] = await Promise.all([finished(first), finished(secondRun)]);

    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    expect(Date.parse(b.startedAt as string)).toBeLessThan(Date.parse(a.finishedAt as string));
  });

  it('reject: 409 while a run is active, and nothing stored; accepted again once it ended', async () => {
    const agentId = await createAgent('reject');
    const first = (await start(agentId).expect(202)).body.runId;

    const refused = await start(agentId).expect(409);
    expect(refused.body.message).toContain(first);
    const list = await stack.http.get(`/api/v1/runs?agentId=${agentId}`).set('Authorization', ada.bearer).expect(200);
    expect(list.body.items).toHaveLength(1);

    await finished(first);
    await start(agentId).expect(202);
  });

  it('reject holds across two API processes starting at once: exactly one is accepted', async () => {
    const agentId = await createAgent('reject');

    const answers = await Promise.all([start(agentId), start(agentId, second), start(agentId), start(agentId, second)]);

    expect(answers.map((answer) => answer.status).sort()).toEqual([202, 409, 409, 409]);
    await finished(answers.find((answer) => answer.status === 202)!.body.runId);
  });

  it('queue: later runs wait, held by concurrency, and start one after another in order', async () => {
    const agentId = await createAgent('queue');
    const first = (await start(agentId).expect(202)).body.runId;
    const queued = [(await start(agentId, second).expect(202)).body.runId, (await start(agentId).expect(202)).body.runId];

    expect(await Promise.all(queued.map(runOf))).toEqual([
      expect.objectContaining({ status: 'queued', heldBy: 'concurrency' }),
      expect.objectContaining({ status: 'queued', heldBy: 'concurrency' }),
    ]);
    const [a, b, c] = await Promise.all([finished(first), finished(queued[0]), finished(queued[1])]);

    expect([a.status, b.status, c.status]).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(b.heldBy).toBeNull();
    expect(Date.parse(b.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(a.finishedAt as string));
    expect(Date.parse(c.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(b.finishedAt as string));
  });

  it('queue: an Idempotency-Key retry of a held run returns it without starting it', async () => {
    const agentId = await createAgent('queue');
    const first = (await start(agentId).expect(202)).body.runId;
    const held = (await start(agentId).set('Idempotency-Key', 'held-once').expect(202)).body.runId;

    const retried = await start(agentId).set('Idempotency-Key', 'held-once').expect(202);

    expect(retried.body).toMatchObject({ runId: held, status: 'queued' });
    expect(await runOf(held)).toMatchObject({ status: 'queued', heldBy: 'concurrency', startedAt: null });
    await finished(first);
    expect((await finished(held)).status).toBe('succeeded');
  });

  it('replace: the active run is cancelled, then the new one runs', async () => {
    const agentId = await createAgent('replace');
    const first = (await start(agentId).expect(202)).body.runId;
    await running(first);

    const replacing = (await start(agentId).expect(202)).body.runId;

    const [old, fresh] = await Promise.all([finished(first), finished(replacing)]);
    expect(old.status).toBe('cancelled');
    expect(fresh.status).toBe('succeeded');
    expect(Date.parse(fresh.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(old.finishedAt as string));
  });

  it('deleting an agent ends the runs it held back', async () => {
    const agentId = await createAgent('queue');
    const first = (await start(agentId).expect(202)).body.runId;
    const held = (await start(agentId).expect(202)).body.runId;

    await stack.http.delete(`/api/v1/agents/${agentId}`).set('Authorization', ada.bearer).expect(204);

    expect(await runOf(held)).toMatchObject({ status: 'cancelled', heldBy: null });
    expect((await finished(first)).status).toBe('succeeded');
  });
});
