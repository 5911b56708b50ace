import { TERMINAL_RUN_STATUSES, type AgentDefinition } from '@flowmate/contracts';
import { startHttpFixture } from '../fakes/http-fixture';
import { chatCompletion, startOpenAiFake, type ChatRequest, type OpenAiFake } from '../fakes/openai.fake';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { recordHistory } from '../support/recorded-histories';
import { startStack, type Stack, type StackOptions } from '../support/stack';

/** Two agents that both have a micro agent keyed `collect`. */
const githubDigest = (baseUrl: string): AgentDefinition => ({
  name: 'GitHub digest',
  description: 'Open pull requests, rendered as a digest',
  microAgents: [
    { key: 'collect', tools: ['http.request'], steps: [{ id: 'prs', tool: 'http.request', args: { method: 'GET', url: `${baseUrl}/prs?owner={{input.owner}}` } }] },
    {
      key: 'render',
      description: 'Render the pull request digest',
      dependsOn: ['collect'],
      tools: ['text.render'],
      steps: [{ id: 'digest', tool: 'text.render', args: { template: 'PRs: {{#prs}}{{title}} {{/prs}}', data: { prs: '{{agents.collect.output.body}}' } } }],
    },
  ],
});

const weather = (baseUrl: string): AgentDefinition => ({
  name: 'Weather',
  microAgents: [
    { key: 'collect', description: 'Read the weather forecast', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: `${baseUrl}/weather` } }] },
  ],
});

async function delegatedStack(options: StackOptions = {}) {
  const fixture = await startHttpFixture({
    'GET /prs': { body: [{ title: 'Fix login' }, { title: 'Add search' }] },
    'GET /weather': { body: { forecast: 'sunny' } },
  });
  const stack = await startStack({ worker: true, ...options, env: { HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort, ...options.env } });
  const ada = await signIn(stack, 'ada@example.com');
  const agentIds: string[] = [];
  for (const definition of [githubDigest(fixture.url), weather(fixture.url)]) {
    agentIds.push((await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(201)).body.id);
  }
  return { fixture, stack, ada, agentIds };
}

const delegate = async (stack: Stack, session: Session, body: object) => {
  const started = await stack.http.post('/api/v1/agents/delegate/task').set('Authorization', session.bearer).send(body).expect(202);
  return pollUntil(
    async () => (await stack.http.get(`/api/v1/runs/${started.body.runId}`).set('Authorization', session.bearer).expect(200)).body,
    (run) => TERMINAL_RUN_STATUSES.includes(run.status),
    60_000,
  );
};

describe('delegated tasks with a model (e2e)', () => {
  let setup: Awaited<ReturnType<typeof delegatedStack>>;
  let model: OpenAiFake;
  let plannerReply: () => object;

  beforeAll(async () => {
    model = await startOpenAiFake((request: ChatRequest) => {
      if (request.messages[0].content?.startsWith('You route a task')) return chatCompletion({ content: JSON.stringify(plannerReply()) });
      return chatCompletion({ content: 'Two pull requests are open.' });
    });
    setup = await delegatedStack({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: model.baseUrl, OPENAI_MODEL: 'fake-model' } });
  });

  afterAll(async () => {
    await setup.stack.stop();
    await setup.fixture.close();
    await model.close();
  });

  const fixture = () => setup.fixture;

  it("runs the micro agents the planner chose, with their dependencies, keyed by agent, and says why", async () => {
    plannerReply = () => ({
      reason: 'the digest renders pull requests',
      chosen: [{ agent: 'github-digest', microAgents: ['render'], reason: 'renders PRs' }],
      input: '{"owner": "acme", "since": "monday"}',
    });
    const before = model.requests.length;

    const run = await delegate(setup.stack, setup.ada, { task: 'Give me a digest of the open pull requests of acme', input: { since: 'friday' } });

    expect(run).toMatchObject({ status: 'succeeded', trigger: 'delegate', agentId: null, task: 'Give me a digest of the open pull requests of acme' });
    expect(run.agents).toEqual([{ id: setup.agentIds[0], version: 1, ref: 'github-digest' }]);
    expect(run.microAgents.map((agent: { key: string; workflowId: string }) => [agent.key, agent.workflowId])).toEqual([
      ['github-digest.collect', `${run.workflowId}/github-digest.collect`],
      ['github-digest.render', `${run.workflowId}/github-digest.render`],
    ]);
    expect(run.output).toMatchObject({
      'github-digest.render': { text: 'PRs: Fix login Add search ' },
      delegation: {
        planner: 'model',
        reason: 'the digest renders pull requests',
        chosen: [{ agent: 'github-digest', microAgents: ['render'], reason: 'renders PRs' }],
        input: { owner: 'acme', since: 'monday' },
      },
      summary: { text: 'Two pull requests are open.' },
    });
    const planner = model.requests[before];
    expect(planner.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'delegation_plan', strict: true } });
    expect(planner.messages[1].content).toContain('"ref":"weather"');
    expect(planner.messages[1].content).not.toContain('/prs');
    expect(planner.messages[1].content).toContain('"inputs":["owner"]');
    // The planner filled the input the chosen steps read; the caller's own fields win over its.
    expect(fixture().requests.at(-1)?.path).toBe('/prs?owner=acme');
    expect(run.input).toEqual({ owner: 'acme', since: 'friday' });
  });

  it('ends succeeded with nothing chosen, and the reason, when no micro agent fits', async () => {
    plannerReply = () => ({ reason: 'none of these can book flights', chosen: [{ agent: 'ghost', microAgents: ['fly'], reason: 'made up' }], input: '{}' });

    const run = await delegate(setup.stack, setup.ada, { task: 'Book me a flight' });

    expect(run).toMatchObject({ status: 'succeeded', microAgents: [], agents: [] });
    expect(run.output.delegation).toEqual({ planner: 'model', reason: 'none of these can book flights', chosen: [] });
  });

  it('refuses a task that is missing or agents that are not the caller’s', async () => {
    const missing = await setup.stack.http.post('/api/v1/agents/delegate/task').set('Authorization', setup.ada.bearer).send({ agentIds: ['nope'] }).expect(400);
    expect([...new Set(missing.body.details.map((problem: { path: string }) => problem.path))].sort()).toEqual(['agentIds', 'task']);
    const bob = await signIn(setup.stack, 'bob@example.com');
    await setup.stack.http.post('/api/v1/agents/delegate/task').set('Authorization', bob.bearer).send({ task: 'x', agentIds: [setup.agentIds[0]] }).expect(404);
    await setup.stack.http.post('/api/v1/agents/delegate/task').set('Authorization', bob.bearer).send({ task: 'x' }).expect(422);
  });
});

describe('delegated tasks without a model (e2e)', () => {
  let setup: Awaited<ReturnType<typeof delegatedStack>>;

  beforeAll(async () => {
    setup = await delegatedStack();
  });

  afterAll(async () => {
    await setup.stack.stop();
    await setup.fixture.close();
  });

  it('routes by keywords, records planner "keyword", and keeps agents whose micro agents share a key apart', async () => {
    const run = await delegate(setup.stack, setup.ada, { task: 'What is the weather forecast?' });

    expect(run).toMatchObject({ status: 'succeeded', agents: [{ id: setup.agentIds[1], version: 1, ref: 'weather' }] });
    expect(run.output).toMatchObject({
      'weather.collect': { status: 200, body: { forecast: 'sunny' } },
      delegation: { planner: 'keyword', chosen: [{ agent: 'weather', microAgents: ['collect'], reason: 'matched forecast, weather' }] },
    });
    expect(run.output).not.toHaveProperty('summary');
    await recordHistory('main-agent-delegated', await setup.stack.temporal.workflow.getHandle(run.workflowId).fetchHistory(), setup.stack.config.payloadKeys);
  });

  it('chooses nothing when no word of the task matches', async () => {
    const run = await delegate(setup.stack, setup.ada, { task: 'xyzzy plugh' });

    expect(run).toMatchObject({ status: 'succeeded', microAgents: [] });
    expect(run.output.delegation).toEqual({ planner: 'keyword', reason: 'no micro agent mentions any word of the task', chosen: [] });
  });
});
