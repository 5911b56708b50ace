import { TERMINAL_RUN_STATUSES, type AgentDefinition } from '@flowmate/contracts';
import { createHmac, randomUUID } from 'node:crypto';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { startGitHubFake, type GitHubFake } from '../fakes/github.fake';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

const SECRET = 'webhook-secret-for-tests';

/** GitHub webhooks through the real API, worker, Temporal and Postgres, with GitHub's wire fake for the access check. */
describe('GitHub webhooks (e2e)', () => {
  let stack: Stack;
  let github: GitHubFake;
  let fixture: HttpFixture;
  let ada: Session;
  let grace: Session;

  beforeAll(async () => {
    github = await startGitHubFake({ tokens: ['gho_ada'], repos: [{ owner: 'acme', name: 'web' }, { owner: 'acme', name: 'api' }, { owner: 'acme', name: 'docs' }] });
    fixture = await startHttpFixture({ 'POST /hook': { body: { ok: true } } });
    stack = await startStack({
      worker: true,
      env: { GITHUB_API_URL: github.url, GITHUB_OAUTH_URL: github.url, GITHUB_WEBHOOK_SECRET: SECRET, HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort },
    });
    ada = await signIn(stack, 'ada@example.com');
    grace = await signIn(stack, 'grace@example.com');
    await stack.http.put('/api/v1/integrations/github').set('Authorization', ada.bearer).send({ accessToken: 'gho_ada' }).expect(200);
  });
  afterAll(async () => {
    await stack.stop();
    await Promise.all([github.close(), fixture.close()]);
  });

  const triggered = (repository: string, events: string[], name = 'On pull requests'): AgentDefinition => ({
    name,
    triggers: [{ type: 'github', events, repository }],
    microAgents: [
      {
        key: 'tell',
        tools: ['http.request'],
        steps: [{ id: 'post', tool: 'http.request', args: { method: 'POST', url: `${fixture.url}/hook`, body: { title: '{{input.title}}', line: 'PR #{{input.number}}: {{input.title}}', labels: '{{input.labels}}' } } }],
      },
    ],
  });

  const createAgent = (session: Session, definition: AgentDefinition) => stack.http.post('/api/v1/agents').set('Authorization', session.bearer).send(definition);

  const deliver = (event: string, payload: object, { deliveryId = randomUUID(), secret = SECRET }: { deliveryId?: string; secret?: string | null } = {}) => {
    const body = JSON.stringify(payload);
    const call = stack.http.post('/api/v1/webhooks/github').set('Content-Type', 'application/json').set('X-GitHub-Event', event).set('X-GitHub-Delivery', deliveryId);
    if (secret !== null) call.set('X-Hub-Signature-256', `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    return call.send(body);
  };

  const pullRequest = (action: string, repository = 'acme/web', title = 'Dark mode') => ({
    action,
    repository: { full_name: repository },
    sender: { login: 'grace' },
    pull_request: { number: 8, title, html_url: `https://github.com/${repository}/pull/8`, labels: [{ name: 'ui' }] },
  });

  const finished = (runId: string) =>
    pollUntil(async () => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body, (run) => TERMINAL_RUN_STATUSES.includes(run.status), 30_000);

  it('saves a trigger only for a repository its owner can read through GitHub', async () => {
    const refused = await createAgent(ada, triggered('acme/secret', ['pull_request'])).expect(400);
    expect(refused.body.details).toEqual([{ path: 'triggers[0].repository', message: '"acme/secret" cannot be read through your GitHub connection' }]);
    const unconnected = await createAgent(grace, triggered('acme/web', ['pull_request'])).expect(400);
    expect(unconnected.body.details[0]).toMatchObject({ path: 'triggers[0].repository', message: expect.stringContaining('GitHub connection') });
    const adas = (await createAgent(ada, triggered('acme/web', ['push'], 'Ada’s')).expect(201)).body.id;
    await stack.http.put(`/api/v1/agents/${adas}`).set('Authorization', grace.bearer).send(triggered('acme/web', ['push'])).expect(404);
    const malformed = await createAgent(ada, { ...triggered('not a repo', ['pull request']) }).expect(400);
    expect(malformed.body.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['triggers[0].events', 'triggers[0].repository']);
  });

  it('starts one run per matching agent with the event’s fields as input, and a redelivery starts nothing new', async () => {
    const opened = (await createAgent(ada, triggered('acme/web', ['pull_request.opened'], 'Opened')).expect(201)).body.id;
    const anyAction = (await createAgent(ada, triggered('ACME/Web', ['pull_request'], 'Any')).expect(201)).body.id;
    await createAgent(ada, triggered('acme/web', ['issues'], 'Issues only')).expect(201);
    const deliveryId = randomUUID();

    const answer = await deliver('pull_request', pullRequest('opened'), { deliveryId }).expect(202);

    expect(answer.body.runs).toHaveLength(2);
    const runs = await Promise.all(answer.body.runs.map(({ runId }: { runId: string }) => finished(runId)));
    expect(runs.map((run) => run.agentId).sort()).toEqual([opened, anyAction].sort());
    expect(runs[0]).toMatchObject({
      status: 'succeeded',
      trigger: 'webhook',
      input: { event: 'pull_request', action: 'opened', repository: 'acme/web', sender: 'grace', number: 8, title: 'Dark mode', url: 'https://github.com/acme/web/pull/8', labels: ['ui'] },
    });
    const again = await deliver('pull_request', pullRequest('opened'), { deliveryId }).expect(202);
    expect(again.body.runs.map((run: { runId: string }) => run.runId).sort()).toEqual(answer.body.runs.map((run: { runId: string }) => run.runId).sort());
    const list = await stack.http.get(`/api/v1/runs?agentId=${opened}`).set('Authorization', ada.bearer).expect(200);
    expect(list.body.items).toHaveLength(1);

    const closed = await deliver('pull_request', pullRequest('closed')).expect(202);
    expect(closed.body.runs).toHaveLength(1);
    expect((await deliver('pull_request', pullRequest('opened', 'other/repo')).expect(202)).body).toEqual({ runs: [] });
  });

  it('refuses a missing or wrong signature and starts nothing', async () => {
    const agentId = (await createAgent(ada, triggered('acme/docs', ['pull_request'], 'Docs')).expect(201)).body.id;

    await deliver('pull_request', pullRequest('opened', 'acme/docs'), { secret: null }).expect(401);
    await deliver('pull_request', pullRequest('opened', 'acme/docs'), { secret: 'not-the-secret-at-all' }).expect(401);

    const runs = await stack.http.get(`/api/v1/runs?agentId=${agentId}`).set('Authorization', ada.bearer).expect(200);
    expect(runs.body.items).toEqual([]);
  });

  it('passes an event’s text to templates as data, never as template text', async () => {
    const definition = triggered('acme/api', ['pull_request.reopened'], 'Reopened');
    definition.microAgents.push({ key: 'render', tools: ['text.render'], steps: [{ id: 'line', tool: 'text.render', args: { template: 'PR #{{input.number}}: {{input.title}}' } }] });
    const agentId = (await createAgent(ada, definition).expect(201)).body.id;

    const answer = await deliver('pull_request', pullRequest('reopened', 'acme/api', '{{input.sender}} {{secrets.token}}')).expect(202);

    const run = await finished(answer.body.runs[0].runId);
    expect(run).toMatchObject({ status: 'succeeded', agentId });
    const posted = fixture.requests.map((request) => JSON.parse(request.body)).find((body) => String(body.title).includes('{{input.sender}}'));
    expect(posted).toEqual({ title: '{{input.sender}} {{secrets.token}}', line: 'PR #8: {{input.sender}} {{secrets.token}}', labels: ['ui'] });
    expect(run.output.render).toEqual({ text: 'PR #8: {{input.sender}} {{secrets.token}}' });
  });
});
