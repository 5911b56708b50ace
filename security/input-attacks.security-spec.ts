import { signIn, type Session } from '../test/support/auth';
import { factory } from '../test/support/factory';
import { startStack, type Stack } from '../test/support/stack';

const INTERNALS = /\bat \S+ \(|node_modules|\/work\/|\.ts:\d+|QueryFailedError|SELECT |INSERT |duplicate key|stack/i;

/** Mass assignment, oversized and malformed requests, and injection strings against the running API. */
describe('input attacks', () => {
  let stack: Stack;
  let ada: Session;
  let agentId: string;

  beforeAll(async () => {
    stack = await startStack();
    ada = await signIn(stack, 'ada@example.com');
    agentId = (await as('post', '/agents', factory.agent({ name: 'original' })).expect(201)).body.id;
  });
  afterAll(() => stack.stop());

  function as(method: 'get' | 'post' | 'put' | 'delete', path: string, body?: unknown) {
    const call = stack.http[method](`/api/v1${path}`).set('Authorization', ada.bearer);
    return body === undefined ? call : call.send(body as object);
  }

  describe('mass assignment', () => {
    const owned = { id: '00000000-0000-4000-8000-000000000001', userId: '00000000-0000-4000-8000-000000000002', version: 99, tier: 'unlimited', role: 'operator' };

    it.each<[string, 'post' | 'put', () => string, () => object]>([
      ['creating an agent', 'post', () => '/agents', () => factory.agent()],
      ['updating an agent', 'put', () => `/agents/${agentId}`, () => factory.agent({ name: 'renamed' })],
      ['saving a schedule', 'put', () => `/agents/${agentId}/schedule`, () => ({ intervalSeconds: 3600 })],
      ['starting a run', 'post', () => `/agents/${agentId}/run`, () => ({ input: {} })],
      ['creating an API key', 'post', () => '/api-keys', () => ({ name: 'ci' })],
      ['storing a secret', 'put', () => '/secrets/token1', () => ({ value: 'v' })],
    ])('refuses owner, id, version, tier and role fields when %s, naming each, and changes nothing', async (_, method, path, body) => {
      const refused = await as(method, path(), { ...body(), ...owned }).expect(400);
      expect(new Set(refused.body.details.map((detail: { path: string }) => detail.path))).toEqual(new Set(Object.keys(owned)));
      const [user] = await stack.db.query(`SELECT tier, role FROM users WHERE id = $1`, [ada.user.id]);
      expect(user).toEqual({ tier: 'free', role: 'user' });
      expect((await as('get', `/agents/${agentId}`).expect(200)).body).toMatchObject({ name: 'original', version: 1 });
    });

    it('refuses a tier or role on sign-in', async () => {
      await stack.http.post('/api/v1/auth').send({ email: 'mallory@example.com', tier: 'unlimited', role: 'operator' }).expect(400);
    });
  });

  it('refuses a 2 MiB body with 413, and a page size of 100000 with 400', async () => {
    const huge = await as('post', '/agents', { ...factory.agent(), description: 'x'.repeat(2 * 1024 * 1024) }).expect(413);
    expect(huge.body).toMatchObject({ statusCode: 413, correlationId: expect.any(String) });
    for (const path of ['/agents', '/runs', '/approvals', '/audit']) {
      const refused = await as('get', `${path}?limit=100000`).expect(400);
      expect(refused.body.details).toEqual([expect.objectContaining({ path: 'limit' })]);
    }
  });

  it('stores SQL, template and prototype-pollution strings as plain data and returns them unchanged', async () => {
    const name = `Robert'); DROP TABLE agents;-- {{constructor.constructor('return process')()}}`;
    const description = '{{#each (lookup this "__proto__")}}{{/each}} ${7*7} <script>alert(1)</script> __proto__.polluted';
    const body = { note: '{"__proto__": {"polluted": "yes"}}', query: "1' OR '1'='1" };
    const definition = factory.agent({
      name,
      description,
      microAgents: [{ key: 'post', tools: ['http.request'], steps: [{ id: 'send', tool: 'http.request', args: { method: 'POST', url: 'https://example.com/hook', body } }] }],
    });

    const created = await as('post', '/agents', definition).expect(201);
    const read = await as('get', `/agents/${created.body.id}`).expect(200);
    expect(read.body).toMatchObject({ name, description });
    expect(read.body.microAgents[0].steps[0].args.body).toEqual(body);
    const [{ count }] = await stack.db.query(`SELECT count(*)::int AS count FROM agents`);
    expect(count).toBeGreaterThanOrEqual(2);
    const listed = await as('get', '/agents?limit=100').expect(200);
    expect(listed.body.items.map((agent: { name: string }) => agent.name)).toContain(name);
  });

  it.each(['__proto__', 'constructor'])('refuses a "%s" key anywhere in a JSON body with 400, and pollutes nothing', async (key) => {
    const poisoned = `{"name": "x", "microAgents": [{"key": "a", "tools": ["http.request"], "steps": [{"id": "s", "tool": "http.request", "args": {"method": "POST", "url": "https://example.com", "body": {"${key}": {"polluted": "yes"}}}}]}]}`;
    const refused = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).set('Content-Type', 'application/json').send(poisoned).expect(400);
    expect(refused.body.message).toContain(`"${key}"`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each<[string, () => ReturnType<Stack['http']['get']>, number]>([
    ['malformed JSON', () => stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).set('Content-Type', 'application/json').send('{"name": '), 400],
    ['a body that is not an object', () => as('post', '/agents', [1, 2]), 400],
    ['an id that is not a UUID', () => as('get', '/agents/1%27%20OR%201=1'), 400],
    ['a cursor it never issued', () => as('get', `/runs?cursor=${encodeURIComponent("' OR 1=1 --")}`), 400],
    ['an unknown route', () => as('get', '/no/such/route'), 404],
    ['an unknown provider', () => as('put', '/integrations/..%2F..%2Fetc', { accessToken: 'x' }), 400],
  ])('answers %s with %d and no stack, SQL or internal path', async (_, send, status) => {
    const answer = await send();
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ statusCode: status, correlationId: expect.any(String) });
    expect(answer.text).not.toMatch(INTERNALS);
  });
});
