import { ApplicationFailure } from '@temporalio/common';
import { STATUS_CODES } from 'node:http';
import OpenAI from 'openai';
import { chatCompletion, chatError, startOpenAiFake, type OpenAiFake } from '../../../../test/fakes/openai.fake';
import { freePort } from '../../../../scripts/dev-stack/ports';
import { classifyError } from '../errors/classify-error';
import { createOpenAiClient } from './openai.client';

describe(createOpenAiClient.name, () => {
  let fake: OpenAiFake;
  let reply: () => ReturnType<typeof chatCompletion>;
  let sut: OpenAI;

  beforeAll(async () => {
    fake = await startOpenAiFake(() => reply());
    sut = createOpenAiClient({ apiKey: 'sk-test', baseUrl: fake.baseUrl, timeoutMs: 1_000 });
  });

  afterAll(() => fake.close());

  const ask = () =>
    sut.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'list the repos' }],
      tools: [{ type: 'function', function: { name: 'github__listRepositories', parameters: { type: 'object', properties: {} } } }],
      response_format: { type: 'json_object' },
    });

  const failureOf = async (call: Promise<unknown>): Promise<ApplicationFailure> => classifyError(await call.then(() => undefined, (error: unknown) => error));

  it('sends tools and the response format, and reads tool calls and token usage back', async () => {
    reply = () => chatCompletion({ toolCalls: [{ id: 'call_1', name: 'github__listRepositories', arguments: '{}' }], promptTokens: 30, completionTokens: 7 });

    const completion = await ask();

    expect(fake.requests.at(-1)).toMatchObject({ model: 'gpt-4o-mini', response_format: { type: 'json_object' }, tools: [{ function: { name: 'github__listRepositories' } }] });
    expect(completion.choices[0].message.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'github__listRepositories', arguments: '{}' } }]);
    expect(completion.usage?.total_tokens).toBe(37);
  });

  it('leaves retries to Temporal: a 429 is one request, retryable after Retry-After', async () => {
    reply = () => chatError(429, 'rate_limit_exceeded', { 'Retry-After': '7' });
    const before = fake.requests.length;

    const failure = await failureOf(ask());

    expect(fake.requests.length - before).toBe(1);
    expect(failure).toMatchObject({ type: 'RateLimited', nonRetryable: false, nextRetryDelay: 7_000 });
  });

  it.each([
    [500, 'server_error', 'LlmServerError', false],
    [503, 'overloaded', 'LlmServerError', false],
    [400, 'context_length_exceeded', 'LlmBadRequest', true],
    [401, 'invalid_api_key', 'LlmUnauthorized', true],
    [403, 'forbidden', 'LlmForbidden', true],
    [404, 'model_not_found', 'LlmNotFound', true],
  ])('classifies %i as %s (retry: %s → nonRetryable)', async (status, code, type, nonRetryable) => {
    reply = () => chatError(status, code);

    const failure = await failureOf(ask());

    expect(failure).toMatchObject({ type, nonRetryable });
    expect(failure.message).toBe(`the model server answered ${status} ${STATUS_CODES[status]} (${code})`);
  });

  it('never repeats what the server said, which may echo a key or a prompt', async () => {
    reply = () => ({ status: 401, body: { error: { message: 'Incorrect API key provided: sk-test', code: 'invalid_api_key' } } });

    const failure = await failureOf(ask());

    expect(failure.message).not.toContain('sk-test');
  });

  it('retries a call that timed out', async () => {
    reply = () => ({ ...chatCompletion({ content: 'late' }), delayMs: 3_000 });

    // Under jest the client cannot tell its own abort from a dropped connection (another realm's
    // AbortError), so it reports a connection error there; either way the call is retried.
    expect(await failureOf(ask())).toMatchObject({ nonRetryable: false });
    expect(classifyError(new OpenAI.APIConnectionTimeoutError())).toMatchObject({ type: 'Timeout', nonRetryable: false });
  });

  it('retries when the server cannot be reached', async () => {
    const nobody = createOpenAiClient({ baseUrl: `http://127.0.0.1:${await freePort()}/v1`, timeoutMs: 1_000 });

    const failure = await failureOf(nobody.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }));

    expect(failure).toMatchObject({ type: 'NetworkError', nonRetryable: false });
  });
});
