import { TERMINAL_RUN_STATUSES, type AgentDefinition, type MicroAgentDefinition } from '@flowmate/contracts';
import type { FixtureResponse } from '../fakes/http-fixture';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { chatCompletion, chatError, startOpenAiFake, type ChatRequest, type OpenAiFake } from '../fakes/openai.fake';
import { signIn, type Session } from '../support/auth';
import { decodedPayloads } from '../support/history-payloads';
import { pollUntil } from '../support/poll';
import { recordHistory } from '../support/recorded-histories';
import { startStack, type Stack } from '../support/stack';

type Script = (request: ChatRequest, index: number) => FixtureResponse | Promise<FixtureResponse>;

const llmAgent = (overrides: Partial<MicroAgentDefinition> = {}): MicroAgentDefinition => ({
  key: 'team',
  tools: ['http.request'],
  instructions: 'Find out how many users the team has',
  ...overrides,
});

const usersCall = (url: string, id = 'call_users') => ({ id, name: 'http__request', arguments: JSON.stringify({ method: 'GET', url }) });

/** LLM micro agents against an OpenAI-compatible fake, through the real API, worker, Temporal and Postgres. */
describe('LLM micro agents (e2e)', () => {
  let stack: Stack;
  let fixture: HttpFixture;
  let model: OpenAiFake;
  let script: Script;
  let ada: Session;

  beforeAll(async () => {
    fixture = await startHttpFixture({ 'GET /users': { body: [{ name: 'ada' }, { name: 'grace' }] } });
    model = await startOpenAiFake((request, index) => script(request, index));
    stack = await startStack({
      worker: true,
      env: { HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: model.baseUrl, OPENAI_MODEL: 'fake-model' },
    });
    ada = await signIn(stack, 'ada@example.com');
  });

  afterAll(async () => {
    await stack.stop();
    await model.close();
    await fixture.close();
  });

  const run = async (definition: AgentDefinition, input: object = {}) => {
    const agent = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(201);
    const started = await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({ input }).expect(202);
    return pollUntil(
      async () => (await stack.http.get(`/api/v1/runs/${started.body.runId}`).set('Authorization', ada.bearer).expect(200)).body,
      (body) => TERMINAL_RUN_STATUSES.includes(body.status),
      60_000,
    );
  };

  const requestsFrom = (before: number): ChatRequest[] => model.requests.slice(before);

  it('runs the tool calls the model asks for, records each step in order, and ends on its answer', async () => {
    const before = model.requests.length;
    script = (request) => {
      if (request.messages[0].content?.startsWith('You are the main agent')) return chatCompletion({ content: 'Summary.' });
      return request.messages.some((message) => message.role === 'tool')
        ? chatCompletion({ content: 'The team has 2 users.', promptTokens: 50, completionTokens: 8 })
        : chatCompletion({ toolCalls: [usersCall(`${fixture.url}/users`)], promptTokens: 40, completionTokens: 12 });
    };

    const result = await run({ name: 'Team size', instructions: 'Report on the team', microAgents: [llmAgent()] }, { team: 'core' });

    expect(result).toMatchObject({ status: 'succeeded', output: { team: { text: 'The team has 2 users.' }, summary: { text: 'Summary.' } } });
    expect(result.microAgents[0].steps).toEqual([
      expect.objectContaining({ id: 'llm-1', kind: 'llm', status: 'succeeded', tokens: 52, attempts: 1 }),
      expect.objectContaining({ id: 'call-1', kind: 'tool', tool: 'http.request', toolCallId: 'call_users', status: 'succeeded', input: { method: 'GET', url: `${fixture.url}/users` } }),
      expect.objectContaining({ id: 'llm-2', kind: 'llm', status: 'succeeded', tokens: 58, output: { text: 'The team has 2 users.' } }),
    ]);
    expect(result.microAgents[0]).toMatchObject({ outputStepId: 'llm-2' });
    const childHistory = await stack.temporal.workflow.getHandle(`${result.workflowId}/team`).fetchHistory();
    await recordHistory('micro-agent-llm', childHistory, stack.config.payloadKeys);
    // Tool results and the model's words stay in Postgres: 'grace' is only in the tool's response.
    const inHistory = JSON.stringify(await decodedPayloads(childHistory, stack.config.payloadKeys));
    expect(inHistory).not.toMatch(/grace|The team has 2 users/);
    const [first, second] = requestsFrom(before);
    expect(first).toMatchObject({ model: 'fake-model', tools: [{ type: 'function', function: { name: 'http__request' } }] });
    expect(first.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('Find out how many users the team has') });
    expect(first.messages[0].content).toContain('Report on the team');
    expect(first.messages[1]).toMatchObject({ role: 'user', content: expect.stringContaining('"team":"core"') });
    expect(second.messages.slice(2)).toEqual([
      expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ id: 'call_users' })] }),
      { role: 'tool', tool_call_id: 'call_users', content: expect.stringContaining('grace') },
    ]);
  });

  it('parses a JSON answer when the micro agent asks for one', async () => {
    const before = model.requests.length;
    script = () => chatCompletion({ content: '{"users": 2}' });

    const result = await run({ name: 'JSON', microAgents: [llmAgent({ responseFormat: 'json' })] });

    expect(result).toMatchObject({ status: 'succeeded', output: { team: { users: 2 } } });
    expect(requestsFrom(before)[0]).toMatchObject({ response_format: { type: 'json_object' } });
  });

  it('gives malformed tool arguments back to the model, which can fix them', async () => {
    script = (request, index) => {
      const toolMessages = request.messages.filter((message) => message.role === 'tool');
      if (toolMessages.length === 0) return chatCompletion({ toolCalls: [{ id: 'bad', name: 'http__request', arguments: '{"method":' }] });
      if (toolMessages.length === 1) return chatCompletion({ toolCalls: [usersCall(`${fixture.url}/users`, `good-${index}`)] });
      return chatCompletion({ content: 'fixed it' });
    };
    const before = model.requests.length;

    const result = await run({ name: 'Repair', microAgents: [llmAgent()] });

    expect(result).toMatchObject({ status: 'succeeded', output: { team: { text: 'fixed it' } } });
    expect(result.microAgents[0].steps.map((step: { id: string; status: string }) => [step.id, step.status])).toEqual([
      ['llm-1', 'succeeded'],
      ['call-1', 'failed'],
      ['llm-2', 'succeeded'],
      ['call-2', 'succeeded'],
      ['llm-3', 'succeeded'],
    ]);
    expect(requestsFrom(before)[1].messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'bad', content: 'error: the arguments are not valid JSON' });
  });

  it('fails the run when the model sends unusable tool calls four times in a row', async () => {
    script = (_request, index) => chatCompletion({ toolCalls: [{ id: `nope-${index}`, name: 'shell__exec', arguments: '{}' }] });

    const result = await run({ name: 'Stubborn', microAgents: [llmAgent()] });

    expect(result).toMatchObject({ status: 'failed', error: { type: 'InvalidToolArguments', message: expect.stringContaining('4 times in a row') } });
  });

  it('stops at limits.maxToolCalls with MaxToolCallsExceeded', async () => {
    script = (_request, index) => chatCompletion({ toolCalls: [usersCall(`${fixture.url}/users`, `again-${index}`)] });

    const result = await run({ name: 'Greedy', limits: { maxToolCalls: 2 }, microAgents: [llmAgent()] });

    expect(result).toMatchObject({ status: 'failed', error: { type: 'MaxToolCallsExceeded' } });
    const calls = result.microAgents[0].steps.filter((step: { kind: string }) => step.kind === 'tool');
    expect(calls.map((step: { status: string }) => step.status)).toEqual(['succeeded', 'succeeded', 'skipped']);
  });

  it('refuses the model call that would go over limits.maxTokens, before making it', async () => {
    script = (_request, index) => chatCompletion({ toolCalls: [usersCall(`${fixture.url}/users`, `spend-${index}`)], promptTokens: 150, completionTokens: 50 });
    const before = model.requests.length;

    const result = await run({ name: 'Budget', limits: { maxTokens: 250 }, microAgents: [llmAgent()] });

    expect(result).toMatchObject({ status: 'failed', error: { type: 'BudgetExceeded', message: expect.stringContaining('used 200 tokens') } });
    expect(requestsFrom(before)).toHaveLength(1);
  });

  it('waits out a 429 for its Retry-After, then goes on', async () => {
    const arrivals: number[] = [];
    script = () => {
      arrivals.push(Date.now());
      return arrivals.length === 1 ? chatError(429, 'rate_limit_exceeded', { 'Retry-After': '2' }) : chatCompletion({ content: 'after the wait' });
    };
    const before = model.requests.length;

    const result = await run({ name: 'Patient', microAgents: [llmAgent()] });

    expect(result).toMatchObject({ status: 'succeeded', output: { team: { text: 'after the wait' } } });
    expect(requestsFrom(before)).toHaveLength(2);
    expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(1_900);
    expect(result.microAgents[0].steps[0]).toMatchObject({ id: 'llm-1', attempts: 2 });
  });

  it('fails at once on a 401, without retrying', async () => {
    script = () => chatError(401, 'invalid_api_key');
    const before = model.requests.length;

    const result = await run({ name: 'Locked out', microAgents: [llmAgent()] });

    expect(result).toMatchObject({ status: 'failed', error: { type: 'LlmUnauthorized', message: expect.stringContaining('401') } });
    expect(requestsFrom(before)).toHaveLength(1);
  });

  it("adds the main agent's summary, written from the micro agents' outputs, when the agent has instructions", async () => {
    const before = model.requests.length;
    script = (request) =>
      request.messages[0].content?.startsWith('You are the main agent')
        ? chatCompletion({ content: 'Two users: ada and grace.' })
        : chatCompletion({ content: 'ada, grace' });

    const result = await run({ name: 'Summarised', instructions: 'Tell me who is on the team', microAgents: [llmAgent()] });

    expect(result).toMatchObject({ status: 'succeeded', output: { team: { text: 'ada, grace' }, summary: { text: 'Two users: ada and grace.' } } });
    const summaryRequest = requestsFrom(before)[1];
    expect(summaryRequest.tools).toBeUndefined();
    expect(summaryRequest.messages[0].content).toContain('Tell me who is on the team');
    expect(summaryRequest.messages[1].content).toContain('"team":{"text":"ada, grace"}');
    await recordHistory('main-agent-summary', await stack.temporal.workflow.getHandle(result.workflowId).fetchHistory(), stack.config.payloadKeys);
  });

  it('lets a deterministic step ask the model with llm.generate, templates resolved in its prompt', async () => {
    const before = model.requests.length;
    script = () => chatCompletion({ content: '{"tone": "upbeat"}' });
    const step = { id: 'ask', tool: 'llm.generate' as const, args: { prompt: 'Rate the tone of: {{input.note}}', system: 'You rate tones.', responseFormat: 'json' } };

    const result = await run({ name: 'Tone', microAgents: [{ key: 'tone', tools: ['llm.generate'], steps: [step] }] }, { note: 'we shipped!' });

    expect(result).toMatchObject({ status: 'succeeded', output: { tone: { tone: 'upbeat' } } });
    expect(requestsFrom(before)).toEqual([
      expect.objectContaining({
        model: 'fake-model',
        response_format: { type: 'json_object' },
        messages: [{ role: 'system', content: 'You rate tones.' }, { role: 'user', content: 'Rate the tone of: we shipped!' }],
      }),
    ]);
  });

  it('aborts the model call in flight when the run is cancelled', async () => {
    script = () => ({ ...chatCompletion({ content: 'too late' }), delayMs: 60_000 });
    const agent = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send({ name: 'Slow model', microAgents: [llmAgent()] }).expect(201);
    const before = model.received.length;
    const started = await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({}).expect(202);
    await pollUntil(async () => model.received.length, (count) => count > before, 10_000);

    await stack.temporal.workflow.getHandle(started.body.workflowId).cancel();
    const cancelledAt = Date.now();

    // The activity's first heartbeat (3 s in) brings the cancel; without heartbeats only the 10 s
    // heartbeat timeout would end the call.
    const call = await pollUntil(async () => model.received[before], (request) => request.abandoned === true, 20_000);
    expect(call.abandoned).toBe(true);
    expect(Date.now() - cancelledAt).toBeLessThan(8_000);
    const result = await pollUntil(
      async () => (await stack.http.get(`/api/v1/runs/${started.body.runId}`).set('Authorization', ada.bearer)).body,
      (body) => TERMINAL_RUN_STATUSES.includes(body.status),
    );
    expect(result).toMatchObject({ status: 'cancelled', microAgents: [{ status: 'cancelled', steps: [{ id: 'llm-1', status: 'cancelled' }] }] });
  }, 40_000);

  it('runs two LLM micro agents of one wave at the same time', async () => {
    const inFlight = { now: 0, most: 0 };
    script = async () => {
      inFlight.now += 1;
      inFlight.most = Math.max(inFlight.most, inFlight.now);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      inFlight.now -= 1;
      return chatCompletion({ content: 'done' });
    };

    const result = await run({ name: 'Pair', microAgents: [llmAgent({ key: 'left' }), llmAgent({ key: 'right' })] });

    expect(result).toMatchObject({ status: 'succeeded', output: { left: { text: 'done' }, right: { text: 'done' } } });
    expect(inFlight.most).toBe(2);
  });
});

describe('LLM micro agents without a model (e2e)', () => {
  let stack: Stack;
  let ada: Session;

  beforeAll(async () => {
    stack = await startStack({ worker: true });
    ada = await signIn(stack, 'ada@example.com');
  });

  afterAll(() => stack.stop());

  it('accepts the definition and fails the run at once with ModelNotConfigured, naming the settings', async () => {
    const agent = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send({ name: 'No model', microAgents: [llmAgent()] }).expect(201);
    const started = await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({}).expect(202);

    const result = await pollUntil(
      async () => (await stack.http.get(`/api/v1/runs/${started.body.runId}`).set('Authorization', ada.bearer)).body,
      (body) => TERMINAL_RUN_STATUSES.includes(body.status),
    );

    expect(result).toMatchObject({ status: 'failed', error: { type: 'ModelNotConfigured', message: expect.stringContaining('OPENAI_API_KEY') } });
    expect(result.microAgents[0].steps).toEqual([expect.objectContaining({ id: 'llm-1', kind: 'llm', status: 'failed', attempts: 1 })]);
  });

  it('fails an llm.generate step with ModelNotConfigured', async () => {
    const step = { id: 'ask', tool: 'llm.generate', args: { prompt: 'hello?' } };
    const agent = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send({ name: 'Asks', microAgents: [{ key: 'ask', tools: ['llm.generate'], steps: [step] }] }).expect(201);
    const started = await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({}).expect(202);

    const result = await pollUntil(
      async () => (await stack.http.get(`/api/v1/runs/${started.body.runId}`).set('Authorization', ada.bearer)).body,
      (body) => TERMINAL_RUN_STATUSES.includes(body.status),
    );

    expect(result).toMatchObject({ status: 'failed', error: { type: 'ModelNotConfigured' } });
    expect(result.microAgents[0].steps[0]).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('runs an agent with instructions to success without a summary', async () => {
    const definition = { name: 'Plain', instructions: 'Greet', microAgents: [{ key: 'hello', tools: ['text.render'], steps: [{ id: 'say', tool: 'text.render', args: { template: 'hi' } }] }] };
    const agent = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(201);
    const started = await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({}).expect(202);

    const result = await pollUntil(
      async () => (await stack.http.get(`/api/v1/runs/${started.body.runId}`).set('Authorization', ada.bearer)).body,
      (body) => TERMINAL_RUN_STATUSES.includes(body.status),
    );

    expect(result).toMatchObject({ status: 'succeeded', output: { hello: { text: 'hi' } } });
    expect(result.output).not.toHaveProperty('summary');
  });
});
