import { ApplicationFailure } from '@temporalio/common';
import { chatCompletion, chatError, startOpenAiFake, type OpenAiFake } from '../../../../test/fakes/openai.fake';
import type { FixtureResponse } from '../../../../test/fakes/http-fixture';
import { freePort } from '../../../../scripts/dev-stack/ports';
import { CircuitBreakers } from '../circuit-breakers/circuit-breakers';
import { ModelChainFailed } from './model-chain-failed';
import { ModelGateway } from './model-gateway';

const ask = { messages: [{ role: 'user' as const, content: 'hello' }] };

describe(ModelGateway.name, () => {
  let primary: OpenAiFake;
  let fallback: OpenAiFake;
  let primaryReply: () => FixtureResponse;
  let closedPort: number;

  beforeAll(async () => {
    primary = await startOpenAiFake(() => primaryReply());
    fallback = await startOpenAiFake(() => chatCompletion({ content: 'from the fallback', promptTokens: 7, completionTokens: 3 }));
    closedPort = await freePort();
  });

  afterAll(async () => {
    await primary.close();
    await fallback.close();
  });

  const gatewayOf = ({ failureThreshold = 100, rateLimitWaitMs = 10_000 } = {}) =>
    new ModelGateway({
      providers: [
        { name: 'primary', baseUrl: primary.baseUrl, apiKey: 'sk-primary', models: ['gpt-4o-mini'] },
        { name: 'local', baseUrl: fallback.baseUrl, models: ['llama3'] },
        { name: 'down', baseUrl: `http://127.0.0.1:${closedPort}/v1`, models: ['ghost'] },
      ],
      breakers: new CircuitBreakers({ failureThreshold, windowMs: 60_000, coolDownMs: 60_000 }),
      rateLimitWaitMs,
      timeoutMs: 2_000,
    });

  const failureOf = async (call: Promise<unknown>): Promise<ModelChainFailed> => {
    const error = await call.then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ModelChainFailed);
    return error as ModelChainFailed;
  };

  const complete = (gateway: ModelGateway, chain: string[]) => gateway.complete(chain, ask, new AbortController().signal);

  it('asks the first model and records who answered, with the tokens used', async () => {
    primaryReply = () => chatCompletion({ content: 'hi', promptTokens: 4, completionTokens: 1 });

    const answer = await complete(gatewayOf(), ['gpt-4o-mini', 'local/llama3']);

    expect(answer.completion.choices[0].message.content).toBe('hi');
    expect(answer.calls).toEqual([{ provider: 'primary', model: 'gpt-4o-mini', outcome: 'succeeded', tokens: 5, durationMs: expect.any(Number) }]);
    expect(primary.requests.at(-1)?.model).toBe('gpt-4o-mini');
  });

  it.each([
    ['a 503', () => chatError(503, 'overloaded'), 'LlmServerError'],
    ['a 500', () => chatError(500, 'server_error'), 'LlmServerError'],
    ['a 429 with no Retry-After', () => chatError(429, 'rate_limit_exceeded'), 'RateLimited'],
    ['a 429 asking for longer than the wait budget', () => chatError(429, 'rate_limit_exceeded', { 'Retry-After': '60' }), 'RateLimited'],
  ])('moves on to the next model after %s, recording the failed call with its reason', async (_label, reply, type) => {
    primaryReply = reply;
    const before = fallback.requests.length;

    const answer = await complete(gatewayOf(), ['gpt-4o-mini', 'local/llama3']);

    expect(answer.completion.choices[0].message.content).toBe('from the fallback');
    expect(fallback.requests.slice(before).map((request) => request.model)).toEqual(['llama3']);
    expect(answer.calls).toEqual([
      { provider: 'primary', model: 'gpt-4o-mini', outcome: 'failed', error: { type, message: expect.stringContaining('the model server answered') }, tokens: 0, durationMs: expect.any(Number) },
      { provider: 'local', model: 'llama3', outcome: 'succeeded', tokens: 10, durationMs: expect.any(Number) },
    ]);
  });

  it('moves on when a provider cannot be reached', async () => {
    const answer = await complete(gatewayOf(), ['down/ghost', 'llama3']);

    expect(answer.calls.map(({ provider, outcome, error }) => ({ provider, outcome, type: error?.type }))).toEqual([
      { provider: 'down', outcome: 'failed', type: 'NetworkError' },
      { provider: 'local', outcome: 'succeeded', type: undefined },
    ]);
  });

  it.each([
    [401, 'invalid_api_key', 'LlmUnauthorized'],
    [400, 'content_policy_violation', 'LlmBadRequest'],
  ])('does not fall back on a %i: the next model would be refused the same request', async (status, code, type) => {
    primaryReply = () => chatError(status, code);
    const before = fallback.requests.length;

    const failure = await failureOf(complete(gatewayOf(), ['gpt-4o-mini', 'local/llama3']));

    expect(fallback.requests.length).toBe(before);
    expect(failure.failure).toMatchObject({ type, nonRetryable: true });
    expect(failure.calls).toEqual([expect.objectContaining({ provider: 'primary', outcome: 'failed', error: expect.objectContaining({ type }) })]);
  });

  it('waits out a 429 that asks for less than the wait budget on the same model (Temporal retries after Retry-After)', async () => {
    primaryReply = () => chatError(429, 'rate_limit_exceeded', { 'Retry-After': '3' });
    const before = fallback.requests.length;

    const failure = await failureOf(complete(gatewayOf({ rateLimitWaitMs: 5_000 }), ['gpt-4o-mini', 'local/llama3']));

    expect(fallback.requests.length).toBe(before);
    expect(failure.failure).toMatchObject({ type: 'RateLimited', nonRetryable: false, nextRetryDelay: 3_000 });
  });

  it('fails with the last retryable failure when every model fails, so Temporal retries the chain', async () => {
    primaryReply = () => chatError(503, 'overloaded');

    const failure = await failureOf(complete(gatewayOf(), ['gpt-4o-mini', 'down/ghost']));

    expect(failure.failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.failure).toMatchObject({ type: 'NetworkError', nonRetryable: false });
    expect(failure.calls.map((call) => call.provider)).toEqual(['primary', 'down']);
  });

  it('skips a name no provider offers any more, and fails for good when no name is offered', async () => {
    const answer = await complete(gatewayOf(), ['retired-model', 'llama3']);
    expect(answer.calls.map(({ model, outcome, error }) => ({ model, outcome, type: error?.type }))).toEqual([
      { model: 'retired-model', outcome: 'failed', type: 'ModelNotOffered' },
      { model: 'llama3', outcome: 'succeeded', type: undefined },
    ]);

    const failure = await failureOf(complete(gatewayOf(), ['retired-model']));
    expect(failure.failure).toMatchObject({ type: 'ModelNotOffered', nonRetryable: true });
  });

  it('treats an open breaker as a failure: the chain moves on without calling the failing provider', async () => {
    primaryReply = () => chatError(503, 'overloaded');
    const gateway = gatewayOf({ failureThreshold: 2 });
    await complete(gateway, ['gpt-4o-mini', 'llama3']);
    await complete(gateway, ['gpt-4o-mini', 'llama3']);
    const before = primary.requests.length;

    const answer = await complete(gateway, ['gpt-4o-mini', 'llama3']);

    expect(primary.requests.length).toBe(before);
    expect(answer.calls[0]).toMatchObject({ provider: 'primary', outcome: 'failed', error: { type: 'CircuitOpen' } });
    expect(answer.calls[1]).toMatchObject({ provider: 'local', outcome: 'succeeded' });
  });

  it('stops at a cancel instead of asking the next model', async () => {
    primaryReply = () => ({ ...chatCompletion({ content: 'late' }), delayMs: 1_000 });
    const cancel = new AbortController();
    const before = fallback.requests.length;
    setTimeout(() => cancel.abort(), 100);

    await expect(gatewayOf().complete(['gpt-4o-mini', 'llama3'], ask, cancel.signal)).rejects.not.toBeInstanceOf(ModelChainFailed);
    expect(fallback.requests.length).toBe(before);
  });
});
