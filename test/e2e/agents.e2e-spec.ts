import { TOOL_NAMES } from '@flowmate/contracts';
import { signIn, type Session } from '../support/auth';
import { factory } from '../support/factory';
import { startStack, type Stack } from '../support/stack';

describe('agents (e2e)', () => {
  let stack: Stack;
  let ada: Session;
  let bob: Session;

  beforeAll(async () => {
    stack = await startStack();
    ada = await signIn(stack, 'ada@example.com');
    bob = await signIn(stack, 'bob@example.com');
  });
  afterAll(() => stack.stop());

  const post = (session: Session, body: unknown) => stack.http.post('/api/v1/agents').set('Authorization', session.bearer).send(body as object);

  it('creates, reads, replaces and deletes an agent', async () => {
    const created = await post(ada, factory.digestAgent()).expect(201);
    expect(created.body).toMatchObject({ id: expect.any(String), version: 1, ...factory.digestAgent() });
    const id = created.body.id;

    const read = await stack.http.get(`/api/v1/agents/${id}`).set('Authorization', ada.bearer).expect(200);
    expect(read.body).toEqual(created.body);

    const replaced = await stack.http
      .put(`/api/v1/agents/${id}`)
      .set('Authorization', ada.bearer)
      .send(factory.agent({ name: 'renamed' }))
      .expect(200);
    expect(replaced.body).toMatchObject({ id, version: 2, name: 'renamed' });

    await stack.http.delete(`/api/v1/agents/${id}`).set('Authorization', ada.bearer).expect(204);
    const trashed = await stack.http.get(`/api/v1/agents/${id}`).set('Authorization', ada.bearer).expect(200);
    expect(trashed.body).toMatchObject({ id, deletedAt: expect.any(String) });
  });

  it('stores nothing and lists every problem of an invalid definition by path', async () => {
    const graph = await post(ada, {
      name: 'broken',
      surprise: true,
      microAgents: [
        { key: 'a', dependsOn: ['b'], tools: ['http.request'], steps: [{ id: 's', tool: 'http.request', args: { method: 'GET', url: '{{agents.c.output}}' } }] },
        { key: 'b', dependsOn: ['a', 'ghost'], tools: ['github.nope'], steps: [{ id: 's', tool: 'text.render', args: { template: 'x' } }] },
        { key: 'a', tools: ['text.render'], steps: [{ id: 's', tool: 'text.render', args: { template: 'x' } }] },
      ],
    }).expect(400);
    expect(graph.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'The agent definition is invalid', correlationId: expect.any(String) });
    expect(graph.body.details.map((problem: { path: string }) => problem.path)).toEqual(
      expect.arrayContaining([
        'surprise',
        'microAgents[2].key',
        'microAgents[1].dependsOn[1]',
        'microAgents',
        'microAgents[1].tools[0]',
        'microAgents[1].steps[0].tool',
        'microAgents[0].steps[0].args.url',
      ]),
    );
    const list = await stack.http.get('/api/v1/agents').set('Authorization', ada.bearer).expect(200);
    expect(list.body.items.map((agent: { name: string }) => agent.name)).not.toContain('broken');
  });

  it('refuses oversized strings', async () => {
    const response = await post(ada, factory.agent({ name: 'x'.repeat(101) })).expect(400);
    expect(response.body.details).toEqual([{ path: 'name', message: expect.stringContaining('100') }]);
  });

  it('pages through the caller\'s own agents only', async () => {
    for (const name of ['one', 'two', 'three']) await post(bob, factory.agent({ name })).expect(201);

    const first = await stack.http.get('/api/v1/agents?limit=2').set('Authorization', bob.bearer).expect(200);
    const second = await stack.http.get(`/api/v1/agents?limit=2&cursor=${first.body.nextCursor}`).set('Authorization', bob.bearer).expect(200);

    expect([...first.body.items, ...second.body.items].map((agent: { name: string }) => agent.name)).toEqual(['three', 'two', 'one']);
    expect(second.body.nextCursor).toBeNull();
    await stack.http.get('/api/v1/agents?limit=101').set('Authorization', bob.bearer).expect(400);
  });

  it('answers 404 for another user\'s agent on every route', async () => {
    const id = (await post(ada, factory.agent()).expect(201)).body.id;

    await stack.http.get(`/api/v1/agents/${id}`).set('Authorization', bob.bearer).expect(404);
    await stack.http.put(`/api/v1/agents/${id}`).set('Authorization', bob.bearer).send(factory.agent()).expect(404);
    await stack.http.delete(`/api/v1/agents/${id}`).set('Authorization', bob.bearer).expect(404);
    await stack.http.get(`/api/v1/agents/${id}`).set('Authorization', ada.bearer).expect(200);
  });

  it('documents the agent definition in the OpenAPI document', async () => {
    const { body } = await stack.http.get('/docs-json').expect(200);

    expect(body.paths['/api/v1/agents'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/AgentDefinitionDto' });
    expect(body.components.schemas.AgentDefinitionDto).toMatchObject({
      required: ['name', 'microAgents'],
      properties: { microAgents: { type: 'array', maxItems: 20, items: { $ref: '#/components/schemas/MicroAgentDto' } } },
    });
    expect(body.components.schemas.ToolStepDto.required).toEqual(['id', 'tool', 'args']);
  });

  it('lists the tools with JSON Schemas of their arguments', async () => {
    const tools = await stack.http.get('/api/v1/tools').set('Authorization', ada.bearer).expect(200);
    expect(tools.body.items.map((tool: { name: string }) => tool.name)).toEqual([...TOOL_NAMES]);
    expect(tools.body.items[0].argsSchema).toMatchObject({ type: 'object', required: ['method', 'url'] });
    expect(tools.body.items.find((tool: { name: string }) => tool.name === 'github.createIssue')).toMatchObject({
      provider: 'github',
      sideEffects: true,
      argsSchema: { required: ['owner', 'repo', 'title'] },
    });
  });
});
