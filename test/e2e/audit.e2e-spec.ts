import { TERMINAL_RUN_STATUSES, type AgentDefinition, type AuditAction } from '@flowmate/contracts';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { startSlackFake, type SlackFake } from '../fakes/slack.fake';
import { signIn, type Session } from '../support/auth';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

interface AuditEvent {
  action: AuditAction;
  objectId: string;
  actorUserId: string | null;
  correlationId: string | null;
  clientIp: string | null;
  details: Record<string, unknown>;
}

/** The audit log through the real API, worker, Temporal and Postgres: an event for every change, none for a refusal. */
describe('Audit log (e2e)', () => {
  let stack: Stack;
  let slack: SlackFake;
  let fixture: HttpFixture;
  let ada: Session;
  let bob: Session;

  beforeAll(async () => {
    slack = await startSlackFake({ tokens: ['xoxb-ada'] });
    fixture = await startHttpFixture({ 'GET /slow': { body: { ok: true }, delayMs: 10_000 }, 'GET /ok': { body: { ok: true } } });
    stack = await startStack({ worker: true, env: { SLACK_API_URL: slack.url, HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort } });
    ada = await signIn(stack, 'ada@example.com');
    bob = await signIn(stack, 'bob@example.com');
  });
  afterAll(async () => {
    await stack.stop();
    await Promise.all([slack.close(), fixture.close()]);
  });

  const api = (session: Session) => ({
    get: (path: string) => stack.http.get(`/api/v1${path}`).set('Authorization', session.bearer),
    post: (path: string, body: object = {}) => stack.http.post(`/api/v1${path}`).set('Authorization', session.bearer).set('X-Correlation-ID', 'audit-test').send(body),
    put: (path: string, body: object) => stack.http.put(`/api/v1${path}`).set('Authorization', session.bearer).set('X-Correlation-ID', 'audit-test').send(body),
    delete: (path: string) => stack.http.delete(`/api/v1${path}`).set('Authorization', session.bearer).set('X-Correlation-ID', 'audit-test'),
  });
  const eventsOf = async (session: Session, query = ''): Promise<AuditEvent[]> => (await api(session).get(`/audit?limit=100${query}`).expect(200)).body.items;
  const finished = (runId: string) =>
    pollUntil(async () => (await api(ada).get(`/runs/${runId}`)).body, (run) => TERMINAL_RUN_STATUSES.includes(run.status), 30_000);

  it('records each change with who, what, which object, the correlation id and the client address', async () => {
    const agentId = (await api(ada).post('/agents', factory.agent()).expect(201)).body.id;
    await api(ada).put(`/agents/${agentId}`, factory.agent({ name: 'renamed' })).expect(200);
    await api(ada).put(`/agents/${agentId}/schedule`, { intervalSeconds: 3600, paused: true }).expect(200);
    await api(ada).delete(`/agents/${agentId}/schedule`).expect(204);
    const { runId } = (await api(ada).post(`/agents/${agentId}/run`).expect(202)).body;
    await finished(runId);
    await api(ada).post(`/runs/${runId}/rerun`).expect(202);
    await api(ada).delete(`/agents/${agentId}`).expect(204);
    await api(ada).post(`/agents/${agentId}/restore`).expect(200);
    const exported = (await api(ada).get(`/agents/${agentId}/export`).expect(200)).body;
    const imported = (await api(ada).post('/agents/import', exported).expect(201)).body.id;
    const cloned = (await api(ada).post(`/agents/${agentId}/clone`).expect(201)).body.id;
    await api(ada).put('/secrets/reportKey', { value: 'rk-live-123' }).expect(200);
    await api(ada).delete('/secrets/reportKey').expect(204);
    await api(ada).put('/integrations/slack', { accessToken: 'xoxb-ada' }).expect(200);
    await api(ada).delete('/integrations/slack').expect(204);

    const events = await eventsOf(ada);
    const about = (objectId: string) => events.filter((event) => event.objectId === objectId).map((event) => event.action).reverse();
    expect(about(agentId)).toEqual(['agent.created', 'agent.updated', 'schedule.saved', 'schedule.deleted', 'agent.deleted', 'agent.restored']);
    expect(about(runId)).toEqual(['run.started']);
    expect(events.find((event) => event.action === 'run.rerun')?.details).toMatchObject({ rerunOf: runId, agentId });
    expect(events.find((event) => event.objectId === imported)?.action).toBe('agent.imported');
    expect(events.find((event) => event.objectId === cloned)?.details).toMatchObject({ clonedFrom: agentId });
    expect(about('reportKey')).toEqual(['secret.stored', 'secret.removed']);
    expect(about('slack')).toEqual(['integration.connected', 'integration.removed']);
    expect(about(ada.user.id)).toEqual(['user.signed_in']);
    for (const event of events.filter((candidate) => candidate.action !== 'user.signed_in')) {
      expect(event).toMatchObject({ actorUserId: ada.user.id, correlationId: 'audit-test', clientIp: expect.stringContaining('127.0.0.1') });
    }
    expect(JSON.stringify(events)).not.toMatch(/rk-live-123|xoxb-ada/);

    expect(await eventsOf(bob)).toEqual([expect.objectContaining({ action: 'user.signed_in' })]);
    const filtered = await eventsOf(ada, `&objectId=${agentId}&action=agent.updated`);
    expect(filtered.map((event) => event.action)).toEqual(['agent.updated']);
    const page = (await api(ada).get('/audit?limit=2').expect(200)).body;
    const next = (await api(ada).get(`/audit?limit=2&cursor=${page.nextCursor}`).expect(200)).body;
    expect(next.items[0].id).not.toBe(page.items[1].id);
    await api(ada).get('/audit?action=agent.exploded').expect(400);
    await api(ada).get('/audit?cursor=forged').expect(400);
  });

  it('records cancels and decided approvals, the decider as the actor', async () => {
    const slow: AgentDefinition = {
      name: 'Slow',
      microAgents: [{ key: 'wait', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: `${fixture.url}/slow` } }] }],
    };
    const slowId = (await api(ada).post('/agents', slow).expect(201)).body.id;
    const { runId } = (await api(ada).post(`/agents/${slowId}/run`).expect(202)).body;
    await pollUntil(async () => (await api(ada).get(`/runs/${runId}`)).body.status, (status) => status === 'running', 15_000);
    await api(ada).post(`/runs/${runId}/cancel`).expect(202);

    const gated: AgentDefinition = {
      name: 'Gated',
      microAgents: [
        {
          key: 'ask',
          tools: ['http.request'],
          requiresApproval: { tools: ['http.request'], timeoutSeconds: 3600, onTimeout: 'reject' },
          steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: `${fixture.url}/ok` } }],
        },
      ],
    };
    const gatedId = (await api(ada).post('/agents', gated).expect(201)).body.id;
    const gatedRun = (await api(ada).post(`/agents/${gatedId}/run`).expect(202)).body.runId;
    const waiting = await pollUntil(async () => (await api(ada).get(`/runs/${gatedRun}`)).body, (run) => run.pendingApprovals.length > 0, 30_000);
    const approvalId = waiting.pendingApprovals[0].id;
    await api(ada).post(`/runs/${gatedRun}/approvals/${approvalId}`, { decision: 'approve' }).expect(200);

    const events = await eventsOf(ada);
    expect(events.find((event) => event.objectId === runId && event.action === 'run.cancelled')).toMatchObject({ actorUserId: ada.user.id, correlationId: 'audit-test' });
    expect(events.find((event) => event.action === 'approval.decided')).toMatchObject({ objectId: approvalId, actorUserId: ada.user.id, details: { runId: gatedRun, status: 'approved', timedOut: false } });
  });

  it('records nothing for a refused request', async () => {
    const before = (await eventsOf(ada)).length;
    const agentId = (await api(bob).post('/agents', factory.agent()).expect(201)).body.id;
    await api(ada).post('/agents', { name: '' }).expect(400);
    await api(ada).put(`/agents/${agentId}`, factory.agent()).expect(404);
    await api(ada).delete(`/agents/${agentId}`).expect(404);
    await api(ada).post(`/agents/${agentId}/run`).expect(404);
    await api(ada).put(`/agents/${agentId}/schedule`, { intervalSeconds: 5 }).expect(400);
    await api(ada).put('/integrations/slack', { accessToken: 'xoxb-wrong' }).expect(400);
    const own = (await api(ada).post('/agents', factory.agent()).expect(201)).body.id;
    await api(ada).delete(`/agents/${own}`).expect(204);
    await api(ada).post(`/agents/${own}/run`).expect(409);
    await api(ada).put(`/agents/${own}`, factory.agent()).expect(409);
    expect((await eventsOf(ada)).length).toBe(before + 2);
  });
});
