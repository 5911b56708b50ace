import { TERMINAL_RUN_STATUSES, type AgentDefinition, type ModelChoice } from '@flowmate/contracts';
import type { FixtureResponse } from '../fakes/http-fixture';
import { chatCompletion, chatError, modelList, startOpenAiFake, type OpenAiFake } from '../fakes/openai.fake';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { recordHistory } from '../support/recorded-histories';
import { startStack, type Stack } from '../support/stack';

const BREAKER = { failures: 3, coolDownSeconds: 2 };

const answeringAgent = (model: ModelChoice): AgentDefinition => ({
  name: 'Greeter',
  model,
  microAgents: [{ key: 'greet', tools: ['text.render'], instructions: 'Say hello' }],
});

/**
 * Fallback chains, model health and circuit breakers through the real API, worker, Temporal and Postgres,
 * against three OpenAI-compatible fakes: `primary` and `flaky` fail as each test scripts, `local` answers.
 */
describe('Models: fallback, health and circuit breakers (e2e)', () => {
  let stack: Stack;
  let primary: OpenAiFake;
  let local: OpenAiFake;
  let flaky: OpenAiFake;
  let primaryReply: () => FixtureResponse;
  let flakyReply: () => FixtureResponse;
  let ada: Session;

  beforeAll(async () => {
    primary = await startOpenAiFake(() => primaryReply(), { models: () => chatError(503, 'overloaded') });
    local = await startOpenAiFake(() => chatCompletion({ content: 'Hello from llama', promptTokens: 20, completionTokens: 4 }), { models: () => modelList(['llama3']) });
    flaky = await startOpenAiFake(() => flakyReply(), { models: () => modelList(['flaky-model']) });
    const providers = [
      { name: 'primary', baseUrl: primary.baseUrl, apiKey: 'sk-primary', models: ['gpt-4o-mini'] },
      { name: 'local', baseUrl: local.baseUrl, models: ['llama3'] },
      { name: 'flaky', baseUrl: flaky.baseUrl, models: ['flaky-model'] },
    ];
    stack = await startStack({
      worker: true,
      env: {
        MODEL_PROVIDERS: JSON.stringify(providers),
        CIRCUIT_BREAKER_FAILURES: String(BREAKER.failures),
        CIRCUIT_BREAKER_COOLDOWN_SECONDS: String(BREAKER.coolDownSeconds),
      },
    });
    ada = await signIn(stack, 'ada@example.com');
  });

  afterAll(async () => {
    await stack.stop();
    await Promise.all([primary.close(), local.close(), flaky.close()]);
  });

  const startRun = async (definition: AgentDefinition): Promise<string> => {
    const agent = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(201);
    const started = await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({}).expect(202);
    return started.body.runId as string;
  };

  const finished = (runId: string, timeoutMs = 60_000) =>
    pollUntil(
      async () => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body,
      (body) => TERMINAL_RUN_STATUSES.includes(body.status),
      timeoutMs,
    );

  const modelHealth = async (name: string) => (await stack.http.get(`/api/v1/models/${encodeURIComponent(name)}`).set('Authorization', ada.bearer).expect(200)).body;

  it('succeeds on the fallback when the primary answers 503 every time, and the step records both calls', async () => {
    primaryReply = () => chatError(503, 'overloaded');
    const before = local.requests.length;

    const run = await finished(await startRun(answeringAgent(['gpt-4o-mini', 'local/llama3'])));

    expect(run).toMatchObject({ status: 'succeeded', output: { greet: { text: 'Hello from llama' } } });
    const [step] = run.microAgents[0].steps;
    expect(step).toMatchObject({
      kind: 'llm',
      status: 'succeeded',
      attempts: 1,
      tokens: 24,
      answeredBy: { provider: 'local', model: 'llama3' },
      modelCalls: [
        { attempt: 1, provider: 'primary', model: 'gpt-4o-mini', outcome: 'failed', error: { type: 'LlmServerError', message: 'the model server answered 503 Service Unavailable (overloaded)' }, tokens: 0 },
        { attempt: 1, provider: 'local', model: 'llama3', outcome: 'succeeded', tokens: 24 },
      ],
    });
    expect(local.requests.slice(before).map((request) => request.model)).toEqual(['llama3']);
    await recordHistory('micro-agent-fallback', await stack.temporal.workflow.getHandle(`${run.workflowId}/greet`).fetchHistory(), stack.config.payloadKeys);
  });

  it('does not fall back when the primary answers 401: the run fails with LlmUnauthorized', async () => {
    primaryReply = () => chatError(401, 'invalid_api_key');
    const before = local.requests.length;

    const run = await finished(await startRun(answeringAgent(['gpt-4o-mini', 'local/llama3'])));

    expect(run).toMatchObject({ status: 'failed', error: { type: 'LlmUnauthorized' } });
    expect(run.microAgents[0].steps[0]).toMatchObject({
      status: 'failed',
      answeredBy: null,
      modelCalls: [expect.objectContaining({ provider: 'primary', outcome: 'failed', error: expect.objectContaining({ type: 'LlmUnauthorized' }) })],
    });
    expect(local.requests.length).toBe(before);
  });

  it('lists every configured model with its provider and health: the failing provider unhealthy, the others healthy', async () => {
    const { body } = await stack.http.get('/api/v1/models').set('Authorization', ada.bearer).expect(200);

    expect(body.items).toEqual([
      expect.objectContaining({ name: 'gpt-4o-mini', provider: 'primary', providerModel: 'gpt-4o-mini', healthy: false, lastError: 'the model server answered 503 Service Unavailable (overloaded)' }),
      expect.objectContaining({ name: 'llama3', provider: 'local', healthy: true, lastError: null, latencyMs: expect.any(Number), checkedAt: expect.any(String) }),
      expect.objectContaining({ name: 'flaky-model', provider: 'flaky', healthy: true }),
    ]);
    expect(await modelHealth('local/llama3')).toMatchObject({ name: 'llama3', provider: 'local', healthy: true, breaker: { state: 'closed', workers: [] } });
    await stack.http.get('/api/v1/models/gpt-5-ultra').set('Authorization', ada.bearer).expect(404);
    const detailed = await stack.http.get('/health/detailed').set('Authorization', ada.bearer).expect(200);
    expect(detailed.body).toMatchObject({ status: 'ok', dependencies: { postgres: { up: true }, temporal: { up: true } }, models: body.items });
    await stack.http.get('/health/detailed').expect(401);
  });

  it('refuses an agent that names a model no provider offers, naming each', async () => {
    const definition = { ...answeringAgent(['gpt-4o-mini', 'gpt-5-ultra']), microAgents: [{ key: 'greet', tools: ['text.render'], instructions: 'Hi', model: 'llama4' }] };

    const { body } = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(400);

    expect(body.details).toEqual([
      { path: 'model[1]', message: 'no configured provider offers the model "gpt-5-ultra" (GET /api/v1/models lists them)' },
      { path: 'microAgents[0].model', message: 'no configured provider offers the model "llama4" (GET /api/v1/models lists them)' },
    ]);
  });

  it('keeps 20 runs from hammering a provider that fails every call, and finishes them once it recovers', async () => {
    flakyReply = () => chatError(503, 'overloaded');
    const outageStarted = Date.now();
    const runIds = await Promise.all(Array.from({ length: 20 }, () => startRun(answeringAgent('flaky-model'))));

    const opened = await pollUntil(() => modelHealth('flaky-model'), (model) => model.breaker.state === 'open', 30_000);
    expect(opened).toMatchObject({ healthy: false, breaker: { state: 'open', workers: [expect.objectContaining({ state: 'open', lastError: expect.objectContaining({ type: 'LlmServerError' }) })] } });
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const callsDuringOutage = flaky.requests.length;
    const probes = Math.ceil((Date.now() - outageStarted) / (BREAKER.coolDownSeconds * 1000)) + 1;
    flakyReply = () => chatCompletion({ content: 'recovered' });

    const runs = await Promise.all(runIds.map((runId) => finished(runId, 90_000)));

    // Each run's first call may be in flight before the breaker opens; after that, one probe per cool-down.
    expect(callsDuringOutage).toBeLessThanOrEqual(runIds.length + probes);
    expect(runs.map((run) => run.status)).toEqual(runIds.map(() => 'succeeded'));
    const steps = runs.map((run) => run.microAgents[0].steps[0]);
    // Each run did retry through the outage (Temporal waited out the breaker), without a call per attempt.
    const attempts = steps.reduce((sum, step) => sum + step.attempts, 0);
    expect(attempts).toBeGreaterThan(2 * runIds.length);
    expect(flaky.requests.length).toBeLessThan(attempts);
    expect(steps.flatMap((step) => step.modelCalls).filter((call) => call.error?.type === 'CircuitOpen').length).toBeGreaterThan(0);
    expect(await modelHealth('flaky-model')).toMatchObject({ breaker: { state: 'closed' } });
  });
});
