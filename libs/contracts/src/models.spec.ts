import { modelChain, resolveModel, type ModelOffer } from './models';

const openai: ModelOffer = { name: 'openai', models: ['gpt-4o', 'gpt-4o-mini'] };
const azure: ModelOffer = { name: 'azure', models: ['gpt-4o', 'meta/llama3'] };
const local: ModelOffer = { name: 'local' };
const gateway: ModelOffer = { name: 'gateway' };

describe(resolveModel.name, () => {
  it.each([
    { label: 'a listed name', name: 'gpt-4o-mini', providers: [local, openai], expected: { provider: 'openai', model: 'gpt-4o-mini' } },
    { label: 'a name two providers list', name: 'gpt-4o', providers: [azure, openai], expected: { provider: 'azure', model: 'gpt-4o' } },
    { label: 'a prefixed name the provider lists', name: 'openai/gpt-4o', providers: [local, openai], expected: { provider: 'openai', model: 'gpt-4o' } },
    { label: 'a prefixed name for a provider without a list', name: 'gateway/llama3', providers: [local, gateway], expected: { provider: 'gateway', model: 'llama3' } },
    { label: 'a name with a slash listed as it is', name: 'meta/llama3', providers: [local, azure], expected: { provider: 'azure', model: 'meta/llama3' } },
    { label: 'an unlisted name', name: 'llama3', providers: [openai, local, gateway], expected: { provider: 'local', model: 'llama3' } },
  ])('resolves $label', ({ name, providers, expected }) => {
    expect(resolveModel(providers, name)).toEqual(expected);
  });

  it('passes a prefixed name the provider does not list, whole, to the first provider without a list', () => {
    expect(resolveModel([openai, local], 'openai/o1')).toEqual({ provider: 'local', model: 'openai/o1' });
  });

  it.each([
    { label: 'an unlisted name', name: 'llama3' },
    { label: 'a prefixed name its provider does not list', name: 'openai/o1' },
    { label: 'a prefixed name of an unknown provider', name: 'mistral/large' },
  ])('offers nothing for $label when every provider lists its models', ({ name }) => {
    expect(resolveModel([openai, azure], name)).toBeUndefined();
  });

  it('offers nothing without providers', () => {
    expect(resolveModel([], 'gpt-4o')).toBeUndefined();
  });
});

describe(modelChain.name, () => {
  const defaultChain = ['gpt-4o', 'local/llama3'];

  it('stands for a copy of the default chain when there is no choice', () => {
    const chain = modelChain(undefined, defaultChain);
    chain.push('extra');

    expect(chain).toEqual(['gpt-4o', 'local/llama3', 'extra']);
    expect(defaultChain).toEqual(['gpt-4o', 'local/llama3']);
  });

  it('makes a chain of one from a single name', () => {
    expect(modelChain('gpt-4o-mini', defaultChain)).toEqual(['gpt-4o-mini']);
  });

  it('copies a chosen chain', () => {
    const choice = ['a', 'b'];
    const chain = modelChain(choice, defaultChain);
    chain.pop();

    expect(chain).toEqual(['a']);
    expect(choice).toEqual(['a', 'b']);
  });
});
