import type { AppConfig } from '@flowmate/config';
import type { AgentDefinition } from '@flowmate/contracts';
import { ModelCatalog } from './model-catalog';

const catalogOf = (providers: AppConfig['models']['providers'], defaultChain: string[] = []): ModelCatalog =>
  new ModelCatalog({ models: { providers, defaultChain, rateLimitWaitMs: 0 } } as AppConfig);

const listing = [
  { name: 'openai', models: ['gpt-4o-mini', 'gpt-4o'] },
  { name: 'local', baseUrl: 'http://127.0.0.1:11434/v1', models: ['llama3'] },
];

const definition = (overrides: Partial<AgentDefinition> = {}): AgentDefinition => ({
  name: 'Digest',
  microAgents: [{ key: 'write', tools: ['llm.generate'], steps: [{ id: 'ask', tool: 'llm.generate', args: { prompt: 'hi' } }] }],
  ...overrides,
});

describe(ModelCatalog.name, () => {
  it('lists each provider\'s models, then default-chain names of providers that list none', () => {
    const sut = catalogOf([...listing, { name: 'gateway' }], ['gpt-4o-mini', 'gateway/claude']);

    expect(sut.list()).toEqual([
      { name: 'gpt-4o-mini', provider: 'openai', model: 'gpt-4o-mini' },
      { name: 'gpt-4o', provider: 'openai', model: 'gpt-4o' },
      { name: 'llama3', provider: 'local', model: 'llama3' },
      { name: 'gateway/claude', provider: 'gateway', model: 'claude' },
    ]);
  });

  it('finds a model by any name that resolves to it', () => {
    const sut = catalogOf(listing);

    expect(sut.find('local/llama3')).toEqual({ name: 'llama3', provider: 'local', model: 'llama3' });
    expect(sut.find('llama3')).toEqual(sut.find('local/llama3'));
    expect(sut.find('gpt-5')).toBeUndefined();
  });

  it('names every model of a definition that no provider offers, by path', () => {
    const sut = catalogOf(listing);
    const body = definition({
      model: ['gpt-4o-mini', 'gpt-5'],
      microAgents: [
        { key: 'plan', tools: ['text.render'], instructions: 'Plan', model: 'mistral' },
        {
          key: 'write',
          tools: ['llm.generate'],
          steps: [
            { id: 'ask', tool: 'llm.generate', args: { prompt: 'hi', model: ['local/llama3', 'local/phi3'] } },
            { id: 'templated', tool: 'llm.generate', args: { prompt: 'hi', model: '{{input.model}}' } },
          ],
        },
      ],
    });

    expect(sut.problemsOf(body)).toEqual([
      { path: 'model[1]', message: 'no configured provider offers the model "gpt-5" (GET /api/v1/models lists them)' },
      { path: 'microAgents[0].model', message: 'no configured provider offers the model "mistral" (GET /api/v1/models lists them)' },
      { path: 'microAgents[1].steps[0].args.model[1]', message: 'no configured provider offers the model "local/phi3" (GET /api/v1/models lists them)' },
    ]);
  });

  it('accepts any name while a provider serves whatever it is asked for, or while none is configured', () => {
    const body = definition({ model: 'anything-at-all' });

    expect(catalogOf([...listing, { name: 'gateway' }]).problemsOf(body)).toEqual([]);
    expect(catalogOf([]).problemsOf(body)).toEqual([]);
  });
});
