import { chatCompletion, chatError, modelList, startOpenAiFake, type OpenAiFake } from '../../../../test/fakes/openai.fake';
import type { FixtureResponse } from '../../../../test/fakes/http-fixture';
import { ModelHealthMonitor } from './model-health';

describe(ModelHealthMonitor.name, () => {
  let listing: OpenAiFake;
  let bare: OpenAiFake;
  let listReply: () => FixtureResponse;

  beforeAll(async () => {
    listing = await startOpenAiFake(() => chatCompletion({ content: 'unused' }), { models: () => listReply() });
    // No GET /models route: the fixture answers 404, as some OpenAI-compatible servers do.
    bare = await startOpenAiFake(() => chatCompletion({ content: '.' }));
  });

  afterAll(async () => {
    await listing.close();
    await bare.close();
  });

  const monitorOf = (cacheMs = 30_000) =>
    new ModelHealthMonitor({
      providers: [
        { name: 'listing', baseUrl: listing.baseUrl, apiKey: 'sk-test' },
        { name: 'bare', baseUrl: bare.baseUrl },
      ],
      probeModelOf: (provider) => (provider === 'bare' ? 'tiny' : undefined),
      cacheMs,
      // Room for two requests on a loaded machine; the hang below is longer still.
      budgetMs: 2_000,
    });

  const modelListCalls = () => listing.received.filter((request) => request.path === '/v1/models').length;

  it('is healthy when /models answers, and says which models it lists', async () => {
    listReply = () => modelList(['gpt-4o-mini', 'gpt-4o']);

    expect(await monitorOf().provider('listing')).toEqual({
      provider: 'listing',
      healthy: true,
      latencyMs: expect.any(Number),
      checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastError: null,
      listed: ['gpt-4o-mini', 'gpt-4o'],
    });
    expect(listing.received.at(-1)?.headers.authorization).toBe('Bearer sk-test');
  });

  it('is unhealthy with the reason when /models fails', async () => {
    listReply = () => chatError(503, 'overloaded');

    expect(await monitorOf().provider('listing')).toMatchObject({ healthy: false, lastError: 'the model server answered 503 Service Unavailable (overloaded)' });
  });

  it('asks a provider without /models for one token of a model it serves', async () => {
    const before = bare.requests.length;

    expect(await monitorOf().provider('bare')).toMatchObject({ healthy: true, lastError: null });
    expect(bare.requests.slice(before)).toEqual([expect.objectContaining({ model: 'tiny', max_tokens: 1 })]);
  });

  it('checks a provider once per cache window, however many ask', async () => {
    listReply = () => modelList(['gpt-4o-mini']);
    const monitor = monitorOf();
    const before = modelListCalls();

    await Promise.all([monitor.providers(), monitor.providers(), monitor.provider('listing')]);
    await monitor.providers();

    expect(modelListCalls() - before).toBe(1);
  });

  it('checks again once the cache window has passed', async () => {
    listReply = () => modelList(['gpt-4o-mini']);
    const monitor = monitorOf(50);
    const before = modelListCalls();

    await monitor.provider('listing');
    await new Promise((resolve) => setTimeout(resolve, 80));
    await monitor.provider('listing');

    expect(modelListCalls() - before).toBe(2);
  });

  it('answers within its budget when the provider hangs, as unhealthy', async () => {
    listReply = () => ({ ...modelList(['gpt-4o-mini']), delayMs: 5_000 });
    const started = Date.now();

    const health = await monitorOf().provider('listing');

    expect(Date.now() - started).toBeLessThan(4_000);
    expect(health).toMatchObject({ healthy: false, lastError: 'no answer within the health-check budget' });
  });
});
