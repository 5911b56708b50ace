import { loadConfig } from './app-config';
import { parseDefaultModelChain, parseModelProviders, SHORTHAND_PROVIDER } from './model-providers';

const providers = JSON.stringify([
  { name: 'local', baseUrl: 'http://127.0.0.1:11434/v1', models: ['llama3'] },
  { name: 'azure', baseUrl: 'https://flowmate.openai.azure.com/openai/v1', apiKey: 'az-key' },
]);

describe(parseModelProviders.name, () => {
  it('configures none without settings', () => {
    expect(parseModelProviders({})).toEqual([]);
  });

  it('makes OPENAI_API_KEY alone a provider of OpenAI itself', () => {
    expect(parseModelProviders({ openAiApiKey: 'sk-test' })).toStrictEqual([{ name: SHORTHAND_PROVIDER, apiKey: 'sk-test' }]);
  });

  it('makes OPENAI_BASE_URL alone a local server that asks for no key', () => {
    expect(parseModelProviders({ openAiBaseUrl: 'http://127.0.0.1:1234/v1' })).toStrictEqual([{ name: 'openai', baseUrl: 'http://127.0.0.1:1234/v1' }]);
  });

  it('takes the listed providers with only the fields they give, and the shorthand one after them', () => {
    expect(parseModelProviders({ providers, openAiApiKey: 'sk-test' })).toStrictEqual([
      { name: 'local', baseUrl: 'http://127.0.0.1:11434/v1', models: ['llama3'] },
      { name: 'azure', baseUrl: 'https://flowmate.openai.azure.com/openai/v1', apiKey: 'az-key' },
      { name: 'openai', apiKey: 'sk-test' },
    ]);
  });

  it.each([
    { label: 'not JSON', list: '[{name: local}]', problem: /must be JSON/ },
    { label: 'an empty list', list: '[]', problem: /non-empty JSON list/ },
    { label: 'an object instead of a list', list: '{"name":"local"}', problem: /non-empty JSON list/ },
    { label: 'an entry that is not an object', list: '[{"name":"local"},"openai"]', problem: /MODEL_PROVIDERS\[1\] must be an object/ },
    { label: 'an upper-case name', list: '[{"name":"Local"}]', problem: /MODEL_PROVIDERS\[0\]: name must be/ },
    { label: 'a name with spaces', list: '[{"name":"a"},{"name":"my local"}]', problem: /MODEL_PROVIDERS\[1\]: name must be/ },
    { label: 'a baseUrl that is not http(s)', list: '[{"name":"local","baseUrl":"ftp://models.example"}]', problem: /MODEL_PROVIDERS\[0\]: baseUrl must be an http\(s\) URL/ },
    { label: 'a baseUrl without a scheme', list: '[{"name":"local","baseUrl":"127.0.0.1:11434"}]', problem: /MODEL_PROVIDERS\[0\]: baseUrl must be an http\(s\) URL/ },
    { label: 'an unknown field', list: '[{"name":"local","model":"llama3"}]', problem: /MODEL_PROVIDERS\[0\]: property model should not exist/ },
    { label: 'an empty models list', list: '[{"name":"local","models":[]}]', problem: /MODEL_PROVIDERS\[0\]: models must contain at least 1/ },
    { label: 'a duplicate name', list: '[{"name":"a"},{"name":"b"},{"name":"a"}]', problem: /MODEL_PROVIDERS\[2\]: the name "a" is taken/ },
  ])('refuses $label', ({ list, problem }) => {
    expect(() => parseModelProviders({ providers: list })).toThrow(problem);
  });

  it('refuses a listed provider named like the one OPENAI_API_KEY configures', () => {
    expect(() => parseModelProviders({ providers: '[{"name":"openai"}]', openAiApiKey: 'sk-test' })).toThrow(/"openai"[\s\S]*OPENAI_API_KEY/);
    expect(parseModelProviders({ providers: '[{"name":"openai"}]' })).toEqual([{ name: 'openai' }]);
  });

  it('does not call entries without a name duplicates of each other', () => {
    expect(() => parseModelProviders({ providers: '[{}, {}]' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('taken') }));
  });

  it('reports every problem at once', () => {
    const list = JSON.stringify([{ name: 'OK' }, { name: 'b', baseUrl: 'nowhere' }, { name: 'c', extra: 1 }]);

    expect(() => parseModelProviders({ providers: list })).toThrow(/MODEL_PROVIDERS\[0\][\s\S]*MODEL_PROVIDERS\[1\][\s\S]*MODEL_PROVIDERS\[2\]/);
  });
});

describe(parseDefaultModelChain.name, () => {
  it('splits a comma-separated chain, trimmed, without empty names', () => {
    expect(parseDefaultModelChain('gpt-4o-mini, local/llama3 ,')).toEqual(['gpt-4o-mini', 'local/llama3']);
  });

  it('is empty when unset', () => {
    expect(parseDefaultModelChain(undefined)).toEqual([]);
  });
});

describe(loadConfig.name, () => {
  const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/flowmate', CREDENTIALS_KEYS: `test:${Buffer.alloc(32, 1).toString('base64')}`, PAYLOAD_KEYS: `test:${Buffer.alloc(32, 2).toString('base64')}` };

  it('gives the worker its model providers, default chain and circuit breaker settings', () => {
    const config = loadConfig('worker', { ...env, MODEL_PROVIDERS: providers, OPENAI_MODEL: 'a,b', CIRCUIT_BREAKER_COOLDOWN_SECONDS: '7' });

    expect(config.models).toEqual({ providers: JSON.parse(providers), defaultChain: ['a', 'b'], rateLimitWaitMs: 10_000 });
    expect(config.circuitBreaker).toEqual({ failureThreshold: 5, windowMs: 60_000, coolDownMs: 7_000 });
  });

  it('names MODEL_PROVIDERS when it is bad', () => {
    expect(() => loadConfig('worker', { ...env, MODEL_PROVIDERS: '[{"name":"Local"}]' })).toThrow(/MODEL_PROVIDERS/);
  });
});
