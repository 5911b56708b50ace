import { TERMINAL_RUN_STATUSES, type AgentDefinition, type ApprovalPolicy, type MicroAgentDefinition } from '@flowmate/contracts';
import { startHttpFixture, type FixtureResponse, type HttpFixture } from '../fakes/http-fixture';
import { chatCompletion, startOpenAiFake, type ChatRequest, type OpenAiFake } from '../fakes/openai.fake';
import { startSlackFake, type SlackFake } from '../fakes/slack.fake';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { recordHistory } from '../support/recorded-histories';
import { startStack, type Stack } from '../support/stack';

type Script = (request: ChatRequest) => FixtureResponse | Promise<FixtureResponse>;

const SLOW_MS = 30_000;

const fetchStep = (id: string, path: string) => ({ id, tool: 'http.request' as const, args: { method: 'GET', url: `{{input.baseUrl}}${path}` } });

/** Cancel and human approval through the real API, worker, Temporal and Postgres. */
describe('run control (e2e): cancel and approvals', () => {
  let stack: Stack;
  let fixture: HttpFixture;
  let model: OpenAiFake;
  let slack: SlackFake;
  let script: Script;
  let ada: Session;
  let bob: Session;

  beforeAll(async () => {
    fixture = await startHttpFixture({
      'GET /slow': { body: { slow: true }, delayMs: SLOW_MS },
      'GET /after': { body: { after: true } },
      'GET /fast': { body: { fast: true } },
      'POST /deploy': { status: 201, body: { deployed: true } },
    });
    model = await startOpenAiFake((request) => script(request));
    slack = await startSlackFake({ tokens: ['xoxb-ada'], channels: [{ id: 'C0DEV', name: 'dev' }] });
    stack = await startStack({
      worker: true,
      env: {
        HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: model.baseUrl,
        OPENAI_MODEL: 'fake-model',
        SLACK_API_URL: slack.url,
      },
    });
    ada = await signIn(stack, 'ada@example.com');
    bob = await signIn(stack, 'bob@example.com');
  });

  afterAll(async () => {
    await stack.stop();
    await Promise.all([model.close(), slack.close(), fixture.close()]);
  });

  const api = (session: Session) => ({
    get: (path: string) => stack.http.get(`/api/v1${path}`).set('Authorization', session.bearer),
    post: (path: string, body: object = {}) => stack.http.post(`/api/v1${path}`).set('Authorization', session.bearer).send(body),
  });

  const start = async (definition: AgentDefinition, input: object = { baseUrl: fixture.url }, session = ada): Promise<string> => {
    const agent = await api(session).post('/agents', definition).expect(201);
    return (await api(session).post(`/agents/${agent.body.id}/run`, { input }).expect(202)).body.runId;
  };

  const runOf = async (runId: string, session = ada) => (await api(session).get(`/runs/${runId}`).expect(200)).body;
  const finished = (runId: string, session = ada) => pollUntil(() => runOf(runId, session), (run) => TERMINAL_RUN_STATUSES.includes(run.status), 60_000);
  const calls = (path: string) => fixture.requests.filter((request) => request.path === path);

  /** Until the run waits for a decision; returns the run with its pending approval. */
  const waitingRun = (runId: string) => pollUntil(() => runOf(runId), (run) => run.pendingApprovals.length > 0, 30_000);

  const workflowClosed = async (workflowId: string): Promise<boolean> => {
    const { status } = await stack.temporal.workflow.getHandle(workflowId).describe();
    return status.name !== 'RUNNING';
  };

  const gated = (approval: Partial<ApprovalPolicy> = {}, overrides: Partial<MicroAgentDefinition> = {}): AgentDefinition => ({
    name: 'Deployer',
    microAgents: [
      {
        key: 'deploy',
        tools: ['http.request'],
        steps: [fetchStep('check', '/fast'), { id: 'ship', tool: 'http.request', args: { method: 'POST', url: '{{input.baseUrl}}/deploy?key={{secrets.deploy-key}}', body: { version: '{{input.version}}' } } }],
        requiresApproval: { tools: ['http.request'], timeoutSeconds: 3600, onTimeout: 'reject', ...approval },
        ...overrides,
      },
    ],
  });

  describe('cancel', () => {
    it('aborts a slow HTTP call, closes every workflow of the run and starts no call after the 202', async () => {
      const runId = await start({
        name: 'Slow',
        microAgents: [
          { key: 'fetch', tools: ['http.request'], steps: [fetchStep('slow', '/slow'), fetchStep('after', '/after')] },
          { key: 'later', dependsOn: ['fetch'], tools: ['http.request'], steps: [fetchStep('after', '/after')] },
        ],
      });
      await pollUntil(async () => calls('/slow').length, (count) => count > 0);
      const requestsBefore = fixture.requests.length;

      const cancelled = await api(ada).post(`/runs/${runId}/cancel`).expect(202);
      expect(cancelled.body).toEqual({ runId, cancelRequestedAt: expect.any(String) });

      const closed = await pollUntil(
        async () => (await workflowClosed(`run-${runId}`)) && (await workflowClosed(`run-${runId}/fetch`)),
        (done) => done,
        10_000,
      );
      expect(closed).toBe(true);
      const run = await finished(runId);
      expect(run).toMatchObject({ status: 'cancelled', error: { type: 'Cancelled' } });
      expect(run.microAgents.map((agent: { key: string; status: string }) => [agent.key, agent.status])).toEqual([
        ['fetch', 'cancelled'],
        ['later', 'skipped'],
      ]);
      expect(run.microAgents[0].steps.map((step: { id: string; status: string }) => [step.id, step.status])).toEqual([
        ['slow', 'cancelled'],
        ['after', 'skipped'],
      ]);
      expect(await pollUntil(async () => calls('/slow')[0].abandoned, (abandoned) => abandoned === true, 5_000)).toBe(true);
      expect(fixture.requests.length).toBe(requestsBefore);
      // The stream ends at run.finished, and tells the aborted call's end before it.
      const events = (await stack.db.query(`SELECT type, data FROM run_events WHERE run_id = $1 ORDER BY id`, [runId])) as Array<{ type: string; data: { stepKey?: string; status?: string } }>;
      const streamed = events.slice(0, events.findIndex((event) => event.type === 'run.finished'));
      expect(streamed).toContainEqual({ type: 'step.finished', data: expect.objectContaining({ stepKey: 'fetch/slow', status: 'cancelled' }) });
      await recordHistory('cancelled-run', await stack.temporal.workflow.getHandle(`run-${runId}/fetch`).fetchHistory(), stack.config.payloadKeys);
    });

    it('stops a model call under way', async () => {
      let asked = 0;
      script = async () => {
        asked += 1;
        return { ...chatCompletion({ content: 'too late' }), delayMs: SLOW_MS };
      };
      const runId = await start({ name: 'Thinker', microAgents: [{ key: 'think', tools: ['http.request'], instructions: 'Think hard' }] });
      await pollUntil(async () => asked, (count) => count > 0);

      await api(ada).post(`/runs/${runId}/cancel`).expect(202);

      const run = await finished(runId);
      expect(run.status).toBe('cancelled');
      expect(run.microAgents[0].steps).toEqual([expect.objectContaining({ id: 'llm-1', kind: 'llm', status: 'cancelled' })]);
      expect(await pollUntil(async () => model.received.at(-1)?.abandoned, (abandoned) => abandoned === true, 5_000)).toBe(true);
    });

    it('refuses a finished run with 409 and hides another user’s run', async () => {
      const runId = await start({ name: 'Quick', microAgents: [{ key: 'fast', tools: ['http.request'], steps: [fetchStep('fast', '/fast')] }] });
      expect((await finished(runId)).status).toBe('succeeded');

      await api(ada).post(`/runs/${runId}/cancel`).expect(409);
      await api(bob).post(`/runs/${runId}/cancel`).expect(404);
    });
  });

  describe('approvals', () => {
    beforeAll(async () => {
      await stack.http.put('/api/v1/secrets/deploy-key').set('Authorization', ada.bearer).send({ value: 's3cr3t-key' }).expect(200);
    });

    it('pauses before each listed call, shows what it will do (secrets as references), and goes on when approved', async () => {
      const deploysBefore = calls('/deploy?key=s3cr3t-key').length;
      const runId = await start(gated(), { baseUrl: fixture.url, version: '1.2.3' });

      const waiting = await waitingRun(runId);
      expect(waiting.status).toBe('waiting_approval');
      expect(waiting.microAgents[0]).toMatchObject({ status: 'waiting_approval' });
      const [first] = waiting.pendingApprovals;
      expect(first).toMatchObject({ stepId: 'check', tool: 'http.request', status: 'pending', args: { method: 'GET', url: `${fixture.url}/fast` } });
      const listed = await api(ada).get('/approvals?status=pending').expect(200);
      expect(listed.body.items.map((approval: { id: string }) => approval.id)).toContain(first.id);
      expect((await api(bob).get('/approvals?status=pending').expect(200)).body.items).toEqual([]);
      await api(bob).post(`/runs/${runId}/approvals/${first.id}`, { decision: 'approve' }).expect(404);

      const approved = await api(ada).post(`/runs/${runId}/approvals/${first.id}`, { decision: 'approve', comment: 'looks fine' }).expect(200);
      expect(approved.body).toMatchObject({ id: first.id, status: 'approved', decidedBy: ada.user.id, comment: 'looks fine', timedOut: false, decidedAt: expect.any(String) });
      await api(ada).post(`/runs/${runId}/approvals/${first.id}`, { decision: 'reject' }).expect(409);

      const second = await pollUntil(() => runOf(runId), (run) => run.pendingApprovals.some((approval: { stepId: string }) => approval.stepId === 'ship'));
      const ship = second.pendingApprovals[0];
      expect(ship.args).toEqual({ method: 'POST', url: `${fixture.url}/deploy?key={{secrets.deploy-key}}`, body: { version: '1.2.3' } });
      expect(JSON.stringify(second)).not.toContain('s3cr3t-key');
      expect(calls('/deploy?key=s3cr3t-key').length).toBe(deploysBefore);

      await api(ada).post(`/runs/${runId}/approvals/${ship.id}`, { decision: 'approve' }).expect(200);
      const run = await finished(runId);
      expect(run).toMatchObject({ status: 'succeeded', pendingApprovals: [] });
      expect(calls('/deploy?key=s3cr3t-key').length).toBe(deploysBefore + 1);
      await recordHistory('approval-run', await stack.temporal.workflow.getHandle(`run-${runId}/deploy`).fetchHistory(), stack.config.payloadKeys);
    });

    it('fails the micro agent with ApprovalRejected when a person rejects the call, which is never made', async () => {
      const checksBefore = calls('/fast').length;
      const runId = await start(gated());
      const [approval] = (await waitingRun(runId)).pendingApprovals;

      await api(ada).post(`/runs/${runId}/approvals/${approval.id}`, { decision: 'reject', comment: 'not today' }).expect(200);

      const run = await finished(runId);
      expect(run).toMatchObject({ status: 'failed', error: { type: 'ApprovalRejected' } });
      expect(run.microAgents[0].steps[0]).toMatchObject({ id: 'check', status: 'failed', error: { type: 'ApprovalRejected', message: 'a person rejected this call: not today' } });
      expect(calls('/fast').length).toBe(checksBefore);
      const decided = await api(ada).get('/approvals?status=rejected').expect(200);
      expect(decided.body.items[0]).toMatchObject({ id: approval.id, decidedBy: ada.user.id, comment: 'not today' });
    });

    it('lets the timeout decide when nobody does, each way', async () => {
      const approving = await start(gated({ timeoutSeconds: 1, onTimeout: 'approve', tools: ['http.request'] }, { steps: [fetchStep('check', '/fast')] }));
      const rejecting = await start(gated({ timeoutSeconds: 1, onTimeout: 'reject' }, { steps: [fetchStep('check', '/fast')] }));

      const [approved, rejected] = await Promise.all([finished(approving), finished(rejecting)]);

      expect(approved.status).toBe('succeeded');
      expect(rejected).toMatchObject({ status: 'failed', error: { type: 'ApprovalRejected' } });
      const decisions = (await api(ada).get('/approvals').expect(200)).body.items;
      expect(decisions.find((approval: { runId: string }) => approval.runId === approving)).toMatchObject({ status: 'approved', timedOut: true, decidedBy: null });
      expect(decisions.find((approval: { runId: string }) => approval.runId === rejecting)).toMatchObject({ status: 'rejected', timedOut: true, decidedBy: null });
    });

    it('gives a rejection back to an LLM micro agent as the tool’s result, so the model can change course', async () => {
      const checksBefore = calls('/fast').length;
      script = (request) => {
        const toolMessage = request.messages.find((message) => message.role === 'tool');
        if (!toolMessage) return chatCompletion({ toolCalls: [{ id: 'call_fast', name: 'http__request', arguments: JSON.stringify({ method: 'GET', url: `${fixture.url}/fast` }) }] });
        return chatCompletion({ content: `understood: ${toolMessage.content}` });
      };
      const runId = await start({
        name: 'Careful',
        microAgents: [{ key: 'ask', tools: ['http.request'], instructions: 'Check the service', requiresApproval: { tools: ['http.request'], timeoutSeconds: 3600, onTimeout: 'reject' } }],
      });
      const [approval] = (await waitingRun(runId)).pendingApprovals;
      expect(approval).toMatchObject({ stepId: 'call-1', args: { method: 'GET', url: `${fixture.url}/fast` } });

      await api(ada).post(`/runs/${runId}/approvals/${approval.id}`, { decision: 'reject', comment: 'use the cache' }).expect(200);

      const run = await finished(runId);
      expect(run).toMatchObject({ status: 'succeeded', output: { ask: { text: 'understood: error: a person rejected this call: use the cache' } } });
      expect(calls('/fast').length).toBe(checksBefore);
    });

    it('cancels a run that waits for a decision, and the approval with it', async () => {
      const runId = await start(gated());
      const [approval] = (await waitingRun(runId)).pendingApprovals;

      await api(ada).post(`/runs/${runId}/cancel`).expect(202);

      const run = await finished(runId);
      expect(run).toMatchObject({ status: 'cancelled', pendingApprovals: [] });
      expect(run.microAgents[0].status).toBe('cancelled');
      const cancelled = (await api(ada).get('/approvals?status=cancelled').expect(200)).body.items;
      expect(cancelled.map((each: { id: string }) => each.id)).toContain(approval.id);
      await api(ada).post(`/runs/${runId}/approvals/${approval.id}`, { decision: 'approve' }).expect(409);
    });

    it('tells the agent’s Slack channel when a run waits for approval and when it fails, without arguments', async () => {
      await stack.http.put('/api/v1/integrations/slack').set('Authorization', ada.bearer).send({ accessToken: 'xoxb-ada' }).expect(200);
      const postedBefore = slack.posted.length;
      const runId = await start({ ...gated(), notify: { slackChannel: '#dev' } });
      const [approval] = (await waitingRun(runId)).pendingApprovals;
      const waiting = await pollUntil(async () => slack.posted.slice(postedBefore), (posted) => posted.length > 0, 10_000);
      expect(waiting).toEqual([
        expect.objectContaining({ channel: 'C0DEV', text: expect.stringMatching(new RegExp(`^Run ${runId} of "Deployer" waits for your approval: micro agent "deploy" wants to call http.request\\. http://\\S+/workflows/run-${runId}$`)) }),
      ]);

      await api(ada).post(`/runs/${runId}/approvals/${approval.id}`, { decision: 'reject' }).expect(200);

      expect((await finished(runId)).status).toBe('failed');
      const posted = await pollUntil(async () => slack.posted.slice(postedBefore), (all) => all.length > 1, 10_000);
      expect(posted[1]).toMatchObject({ channel: 'C0DEV', text: expect.stringContaining(`Run ${runId} of "Deployer" failed in micro agent "deploy": ApprovalRejected.`) });
      expect(JSON.stringify(posted)).not.toContain(fixture.url);
    });

    it('finishes a run whose notification cannot be sent (no Slack connection)', async () => {
      const runId = await start({ ...gated({ timeoutSeconds: 1, onTimeout: 'reject' }), notify: { slackChannel: '#dev' } }, { baseUrl: fixture.url }, bob);

      expect(await finished(runId, bob)).toMatchObject({ status: 'failed', error: { type: 'ApprovalRejected' } });
    });
  });
});
