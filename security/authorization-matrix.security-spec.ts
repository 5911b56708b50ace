import { signIn, type Session } from '../test/support/auth';
import { factory } from '../test/support/factory';
import { pollUntil } from '../test/support/poll';
import { startStack, type Stack } from '../test/support/stack';

const BOB_MARK = 'bob-private-7d1e';

/**
 * Object-level authorization (OWASP API1): Ada calls every route that takes an id with Bob's ids. Each
 * answers 404, shows nothing of Bob's, and changes nothing; Ada's lists never hold Bob's objects.
 */
describe('object-level authorization matrix', () => {
  let stack: Stack;
  let ada: Session;
  let bob: Session;
  const his = { agentId: '', runId: '', finishedRunId: '', approvalId: '', apiKeyId: '', apiKey: '' };

  beforeAll(async () => {
    stack = await startStack({ worker: true });
    ada = await signIn(stack, 'ada@example.com');
    bob = await signIn(stack, 'bob@example.com');
    const asBob = (method: 'get' | 'post' | 'put', path: string, body?: object) => stack.http[method](`/api/v1${path}`).set('Authorization', bob.bearer).send(body);

    const agent = await asBob(
      'post',
      '/agents',
      factory.agent({
        name: `${BOB_MARK} agent`,
        microAgents: [
          factory.microAgent({
            key: 'gated',
            steps: [{ id: 'render', tool: 'text.render', args: { template: `${BOB_MARK} {{input.note}}` } }],
            requiresApproval: { tools: ['text.render'], timeoutSeconds: 3600, onTimeout: 'reject' },
          }),
        ],
      }),
    ).expect(201);
    his.agentId = agent.body.id;
    await asBob('put', `/agents/${his.agentId}/schedule`, { intervalSeconds: 3600, paused: true }).expect(200);
    his.runId = (await asBob('post', `/agents/${his.agentId}/run`, { input: { note: 'waiting' } }).expect(202)).body.runId;
    const waiting = await pollUntil(async () => (await asBob('get', `/runs/${his.runId}`)).body, (run) => (run.pendingApprovals ?? []).length > 0, 30_000);
    his.approvalId = waiting.pendingApprovals[0].id;

    const plain = await asBob('post', '/agents', factory.agent({ name: `${BOB_MARK} plain` })).expect(201);
    his.finishedRunId = (await asBob('post', `/agents/${plain.body.id}/run`, { input: {} }).expect(202)).body.runId;
    await pollUntil(async () => (await asBob('get', `/runs/${his.finishedRunId}`)).body.status, (status) => status === 'succeeded', 30_000);

    const key = await asBob('post', '/api-keys', { name: `${BOB_MARK} key` }).expect(201);
    his.apiKeyId = key.body.id;
    his.apiKey = key.body.key;
    await asBob('put', '/secrets/bobSecret', { value: BOB_MARK }).expect(200);
  }, 120_000);
  afterAll(() => stack?.stop());

  interface Attempt {
    method: 'get' | 'post' | 'put' | 'delete';
    what: string;
    path: () => string;
    body?: object;
  }
  const attempts: Attempt[] = [
    { method: 'get', what: 'an agent', path: () => `/agents/${his.agentId}` },
    { method: 'put', what: 'an agent update', path: () => `/agents/${his.agentId}`, body: factory.agent({ name: 'taken over' }) },
    { method: 'delete', what: 'an agent deletion', path: () => `/agents/${his.agentId}` },
    { method: 'post', what: 'an agent restore', path: () => `/agents/${his.agentId}/restore` },
    { method: 'get', what: 'an agent export', path: () => `/agents/${his.agentId}/export` },
    { method: 'post', what: 'an agent clone', path: () => `/agents/${his.agentId}/clone`, body: {} },
    { method: 'get', what: 'an agent’s versions', path: () => `/agents/${his.agentId}/versions` },
    { method: 'get', what: 'an agent version', path: () => `/agents/${his.agentId}/versions/1` },
    { method: 'post', what: 'a version restore', path: () => `/agents/${his.agentId}/versions/1/restore` },
    { method: 'get', what: 'a schedule', path: () => `/agents/${his.agentId}/schedule` },
    { method: 'put', what: 'a schedule change', path: () => `/agents/${his.agentId}/schedule`, body: { intervalSeconds: 60 } },
    { method: 'delete', what: 'a schedule deletion', path: () => `/agents/${his.agentId}/schedule` },
    { method: 'post', what: 'a schedule trigger', path: () => `/agents/${his.agentId}/schedule/trigger` },
    { method: 'post', what: 'a schedule backfill', path: () => `/agents/${his.agentId}/schedule/backfill`, body: { from: '2026-11-01T00:00:00Z', to: '2026-11-01T05:00:00Z' } },
    { method: 'post', what: 'a run start', path: () => `/agents/${his.agentId}/run`, body: { input: { note: 'x' } } },
    { method: 'get', what: 'a run', path: () => `/runs/${his.runId}` },
    { method: 'get', what: 'a run’s events', path: () => `/runs/${his.runId}/events` },
    { method: 'get', what: 'a step’s output', path: () => `/runs/${his.finishedRunId}/steps/only%2Frender/output` },
    { method: 'post', what: 'a run cancel', path: () => `/runs/${his.runId}/cancel` },
    { method: 'post', what: 'a rerun', path: () => `/runs/${his.finishedRunId}/rerun`, body: {} },
    { method: 'post', what: 'an approval decision', path: () => `/runs/${his.runId}/approvals/${his.approvalId}`, body: { decision: 'approve' } },
    { method: 'delete', what: 'an API key revocation', path: () => `/api-keys/${his.apiKeyId}` },
  ];

  it.each(attempts)('$method of $what with Bob’s ids is 404 and shows nothing of his', async ({ method, path, body }) => {
    const call = stack.http[method](`/api/v1${path()}`).set('Authorization', ada.bearer);
    const answer = await (body ? call.send(body) : call);
    expect(answer.status).toBe(404);
    expect(answer.text).not.toContain(BOB_MARK);
  });

  it('left every one of Bob’s objects as it was', async () => {
    const asBob = (path: string) => stack.http.get(`/api/v1${path}`).set('Authorization', bob.bearer);
    expect((await asBob(`/agents/${his.agentId}`).expect(200)).body).toMatchObject({ name: `${BOB_MARK} agent`, version: 1 });
    expect((await asBob(`/agents/${his.agentId}/schedule`).expect(200)).body).toMatchObject({ intervalSeconds: 3600, paused: true });
    expect((await asBob(`/runs/${his.runId}`).expect(200)).body).toMatchObject({ status: 'waiting_approval', pendingApprovals: [expect.objectContaining({ id: his.approvalId })] });
    await asBob(`/runs/${his.finishedRunId}/steps/only%2Frender/output`).expect(200);
    await stack.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${his.apiKey}`).expect(200);
    const runs = await asBob(`/runs?agentId=${his.agentId}`).expect(200);
    expect(runs.body.items).toHaveLength(1);
  });

  it('never lists Bob’s objects to Ada', async () => {
    for (const path of ['/agents', '/runs', '/approvals', '/api-keys', '/secrets', '/integrations', '/audit', `/audit?objectId=${his.agentId}`, `/runs?agentId=${his.agentId}`]) {
      const answer = await stack.http.get(`/api/v1${path}`).set('Authorization', ada.bearer);
      expect([200, 404]).toContain(answer.status);
      expect(answer.text).not.toContain(BOB_MARK);
      expect(answer.text).not.toContain(his.agentId);
      expect(answer.text).not.toContain(his.runId);
    }
  });
});
