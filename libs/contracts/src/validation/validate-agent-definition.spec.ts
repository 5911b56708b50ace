import { validateAgentDefinition } from './validate-agent-definition';
import type { ValidationProblem } from './validation-problem';

type Body = Record<string, unknown>;

const factory = {
  step: (overrides: Body = {}): Body => ({
    id: 'fetch',
    tool: 'http.request',
    args: { method: 'GET', url: 'https://example.com/feed' },
    ...overrides,
  }),
  microAgent: (overrides: Body = {}): Body => ({ key: 'collect', tools: ['http.request'], steps: [factory.step()], ...overrides }),
  definition: (overrides: Body = {}): Body => ({ name: 'Daily digest', microAgents: [factory.microAgent()], ...overrides }),
};

const omit = (object: Body, key: string): Body => Object.fromEntries(Object.entries(object).filter(([name]) => name !== key));

/** A definition with one micro agent, built from the given overrides. */
const withAgent = (overrides: Body = {}): Body => factory.definition({ microAgents: [factory.microAgent(overrides)] });
/** A definition with one micro agent running one step, built from the given overrides. */
const withStep = (overrides: Body = {}): Body => withAgent({ steps: [factory.step(overrides)] });

/** A step of `summarize` that posts to a hook; `args` are merged into its arguments. */
const postStep = (args: Body = {}, overrides: Body = {}): Body =>
  factory.step({ id: 'post', args: { method: 'POST', url: 'https://example.com/hook', ...args }, ...overrides });

/** `collect` fetches a feed; `summarize` (microAgents[1]) depends on it and runs the given steps. */
const pipeline = (...steps: Body[]): Body =>
  factory.definition({
    microAgents: [
      factory.microAgent({ key: 'collect' }),
      factory.microAgent({ key: 'summarize', dependsOn: ['collect'], tools: ['http.request', 'text.render'], steps }),
    ],
  });

/** A chain `first` ← `second` ← `third`; the last one runs the given step. */
const chain = (step: Body): Body =>
  factory.definition({
    microAgents: [
      factory.microAgent({ key: 'first' }),
      factory.microAgent({ key: 'second', dependsOn: ['first'] }),
      factory.microAgent({ key: 'third', dependsOn: ['second'], steps: [step] }),
    ],
  });

const manyMicroAgents = (count: number): Body[] => Array.from({ length: count }, (_, index) => factory.microAgent({ key: `agent-${index}` }));
const manySteps = (count: number): Body[] => Array.from({ length: count }, (_, index) => factory.step({ id: `step${index}` }));

describe(validateAgentDefinition.name, () => {
  const sut = validateAgentDefinition;

  const problemsOf = (body: unknown): ValidationProblem[] => {
    const result = sut(body);
    if (result.ok) throw new Error(`expected problems, but the definition was accepted: ${JSON.stringify(body)}`);
    return result.problems;
  };

  /** The rule reports at `path` with a message containing `fragment`, and no other rule fires. */
  const expectOnlyProblemsAt = (body: unknown, path: string, fragment: string): void => {
    const problems = problemsOf(body);
    expect(problems).toContainEqual({ path, message: expect.stringContaining(fragment) });
    expect(problems.map((problem) => problem.path)).toEqual(problems.map(() => path));
  };

  describe('a valid definition', () => {
    it('is returned as a plain object equal to the body', () => {
      const body = factory.definition();

      const result = sut(body);

      expect(result).toStrictEqual({ ok: true, definition: body });
    });

    it('is returned as plain objects at every level, not as DTO instances', () => {
      const result = sut(factory.definition({ limits: { maxToolCalls: 5 } }));

      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      const { definition } = result;
      expect(Object.getPrototypeOf(definition)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(definition.microAgents[0])).toBe(Object.prototype);
      expect(Object.getPrototypeOf(definition.microAgents[0].steps?.[0])).toBe(Object.prototype);
      expect(Object.getPrototypeOf(definition.limits)).toBe(Object.prototype);
    });

    it('is a copy that does not share objects with the body', () => {
      const args = { method: 'GET', url: 'https://example.com/feed' };
      const body = withStep({ args });

      const result = sut(body);

      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      expect(result.definition).not.toBe(body);
      expect(result.definition.microAgents[0].steps?.[0].args).not.toBe(args);
      expect(result.definition.microAgents[0].steps?.[0].args).toEqual(args);
    });

    it('keeps every field of a complete definition', () => {
      const body = factory.definition({
        name: 'News digest',
        description: 'Collects news and posts a summary',
        instructions: 'Be brief.',
        model: 'gpt-4o-mini',
        microAgents: [
          factory.microAgent({ key: 'collect', description: 'Fetches the feed' }),
          factory.microAgent({
            key: 'summarize',
            description: 'Renders and posts',
            dependsOn: ['collect'],
            tools: ['text.render', 'http.request'],
            steps: [
              factory.step({
                id: 'render',
                tool: 'text.render',
                args: { template: '{{#items}}- {{title}}\n{{/items}}', data: '{{agents.collect.output.body}}' },
              }),
              factory.step({
                id: 'post',
                args: {
                  method: '{{input.method}}',
                  url: '{{ input.hookUrl }}',
                  headers: { authorization: 'Bearer {{input.token}}', 'x-run': 'digest' },
                  body: { text: '{{steps.render.output.text}}', list: ['{{agents.collect.output.body.items.0.title}}', 1, null, true] },
                  timeoutMs: 10_000,
                },
              }),
            ],
          }),
        ],
        limits: { maxToolCalls: 3, timeoutSeconds: 600 },
      });

      expect(sut(body)).toStrictEqual({ ok: true, definition: body });
    });

    it.each<[string, Body]>([
      ['a name of 100 characters', factory.definition({ name: 'n'.repeat(100) })],
      ['a description of 1000 characters', factory.definition({ description: 'd'.repeat(1000) })],
      ['instructions of 5000 characters', factory.definition({ instructions: 'i'.repeat(5000) })],
      ['20 micro agents', factory.definition({ microAgents: manyMicroAgents(20) })],
      ['50 steps in a micro agent', withAgent({ steps: manySteps(50) })],
      ['a key of one letter', withAgent({ key: 'a' })],
      ['a key of 40 characters', withAgent({ key: `a${'-1'.repeat(19)}b` })],
      ['a step id with capitals, digits, _ and -', withStep({ id: 'fetchFeed_2-b' })],
      ['an empty dependsOn', withAgent({ dependsOn: [] })],
      [
        'maxToolCalls equal to the number of steps',
        factory.definition({ microAgents: [factory.microAgent({ steps: manySteps(3) })], limits: { maxToolCalls: 3 } }),
      ],
      ['limits with only a timeout', factory.definition({ limits: { timeoutSeconds: 86_400 } })],
      [
        'a diamond of dependencies',
        factory.definition({
          microAgents: [
            factory.microAgent({ key: 'd', dependsOn: ['b', 'c'] }),
            factory.microAgent({ key: 'b', dependsOn: ['a'] }),
            factory.microAgent({ key: 'c', dependsOn: ['a'] }),
            factory.microAgent({ key: 'a' }),
          ],
        }),
      ],
      ['a whole template in place of the typed method', pipeline(postStep({ method: '{{input.method}}' }))],
      ['a whole template with spaces in place of the typed timeout', pipeline(postStep({ timeoutMs: '{{ input.timeoutMs }}' }))],
      ['a whole template in place of headers', pipeline(postStep({ headers: '{{agents.collect.output.headers}}' }))],
      ['a template on the input anywhere', pipeline(postStep({ url: 'https://example.com/{{input.path}}', body: ['{{input}}'] }))],
      ['a reference to a direct dependency', pipeline(postStep({ url: '{{agents.collect.output.body.next}}' }))],
      ['a reference to a transitive dependency', chain(postStep({ url: '{{agents.first.output.url}}', headers: { x: '{{agents.second.output}}' } }))],
      ['a reference to an earlier step', pipeline(factory.step({ id: 'first' }), postStep({ body: '{{steps.first.output.body}}' }))],
      [
        'a reference to any earlier step',
        pipeline(factory.step({ id: 'a' }), factory.step({ id: 'b' }), postStep({ url: '{{steps.a.output.url}}' })),
      ],
      [
        'Mustache templates that are not engine templates',
        pipeline(factory.step({ id: 'render', tool: 'text.render', args: { template: 'Hi {{name}} {{#items}}{{title}}{{/items}} {{^none}}x{{/none}}' } })),
      ],
    ])('accepts %s', (_case, body) => {
      expect(sut(body)).toEqual({ ok: true, definition: body });
    });
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a list', [factory.definition()]],
    ['a string', JSON.stringify(factory.definition())],
    ['a number', 42],
    ['a boolean', true],
  ])('refuses %s as not an object', (_case, body) => {
    expect(sut(body)).toEqual({ ok: false, problems: [{ path: '', message: 'must be a JSON object' }] });
  });

  describe('checks the shape', () => {
    it.each<[string, Body, string, string]>([
      ['a missing name', omit(factory.definition(), 'name'), 'name', 'should not be empty'],
      ['an empty name', factory.definition({ name: '' }), 'name', 'should not be empty'],
      ['a name that is not a string', factory.definition({ name: 7 }), 'name', 'must be a string'],
      ['a name over 100 characters', factory.definition({ name: 'n'.repeat(101) }), 'name', 'shorter than or equal to 100 characters'],
      [
        'a description over 1000 characters',
        factory.definition({ description: 'd'.repeat(1001) }),
        'description',
        'shorter than or equal to 1000 characters',
      ],
      ['a description that is not a string', factory.definition({ description: ['d'] }), 'description', 'must be a string'],
      [
        'instructions over 5000 characters',
        factory.definition({ instructions: 'i'.repeat(5001) }),
        'instructions',
        'shorter than or equal to 5000 characters',
      ],
      ['a model over 100 characters', factory.definition({ model: 'm'.repeat(101) }), 'model', 'must be a model name (1 to 100 characters)'],
      ['an empty model chain', factory.definition({ model: [] }), 'model', 'or a list of 1 to 5 different ones'],
      ['a model chain of 6', factory.definition({ model: ['a', 'b', 'c', 'd', 'e', 'f'] }), 'model', 'or a list of 1 to 5 different ones'],
      ['a model chain naming one model twice', factory.definition({ model: ['gpt-4o-mini', 'gpt-4o-mini'] }), 'model', 'different ones'],
      ['a model chain with a blank name', factory.definition({ model: ['gpt-4o-mini', ' '] }), 'model', 'must be a model name'],
      ['missing micro agents', omit(factory.definition(), 'microAgents'), 'microAgents', 'must be an array'],
      ['no micro agents', factory.definition({ microAgents: [] }), 'microAgents', 'must contain at least 1 elements'],
      ['more than 20 micro agents', factory.definition({ microAgents: manyMicroAgents(21) }), 'microAgents', 'must contain no more than 20 elements'],
      [
        'a micro agent that is not an object',
        factory.definition({ microAgents: [factory.microAgent(), 'collect'] }),
        'microAgents[1]',
        'must be either object or array',
      ],
      ['a micro agent that is null', factory.definition({ microAgents: [null] }), 'microAgents[0]', 'must be either object or array'],
      [
        'a missing key',
        factory.definition({ microAgents: [omit(factory.microAgent(), 'key')] }),
        'microAgents[0].key',
        'must match ^[a-z][a-z0-9-]{0,39}$',
      ],
      ['a key with a capital', withAgent({ key: 'Collect' }), 'microAgents[0].key', 'must match'],
      ['a key starting with a digit', withAgent({ key: '1collect' }), 'microAgents[0].key', 'must match'],
      ['a key with an underscore', withAgent({ key: 'col_lect' }), 'microAgents[0].key', 'must match'],
      ['a key with a dot', withAgent({ key: 'col.lect' }), 'microAgents[0].key', 'must match'],
      ['a key over 40 characters', withAgent({ key: 'k'.repeat(41) }), 'microAgents[0].key', 'must match'],
      [
        'an empty key',
        factory.definition({ microAgents: [factory.microAgent(), factory.microAgent({ key: '' })] }),
        'microAgents[1].key',
        'must match',
      ],
      [
        'a micro agent description over 1000 characters',
        withAgent({ description: 'd'.repeat(1001) }),
        'microAgents[0].description',
        'shorter than or equal to 1000 characters',
      ],
      ['dependsOn that is not a list', withAgent({ dependsOn: 'other' }), 'microAgents[0].dependsOn', 'must be an array'],
      ['dependsOn with a number', withAgent({ dependsOn: [1] }), 'microAgents[0].dependsOn', 'each value in dependsOn must be a string'],
      ['missing tools', factory.definition({ microAgents: [omit(factory.microAgent(), 'tools')] }), 'microAgents[0].tools', 'must be an array'],
      ['no tools', withAgent({ tools: [] }), 'microAgents[0].tools', 'must contain at least 1 elements'],
      ['a tool that is not a string', withAgent({ tools: [{ name: 'http.request' }] }), 'microAgents[0].tools', 'must be a string'],
      ['a response format other than text or json', withAgent({ responseFormat: 'yaml' }), 'microAgents[0].responseFormat', 'must be one of the following values: text, json'],
      ['empty instructions', withAgent({ instructions: '' }), 'microAgents[0].instructions', 'should not be empty'],
      ['instructions over 5000 characters', withAgent({ instructions: 'i'.repeat(5001) }), 'microAgents[0].instructions', 'must be shorter than or equal to 5000'],
      ['a model name over 100 characters', withAgent({ model: 'm'.repeat(101) }), 'microAgents[0].model', 'must be a model name (1 to 100 characters)'],
      ['a model chain of numbers', withAgent({ model: [1, 2] }), 'microAgents[0].model', 'must be a model name'],
      ['maxTokens of 0', factory.definition({ limits: { maxTokens: 0 } }), 'limits.maxTokens', 'must not be less than 1'],
      ['no steps', withAgent({ steps: [] }), 'microAgents[0].steps', 'must contain at least 1 elements'],
      ['more than 50 steps', withAgent({ steps: manySteps(51) }), 'microAgents[0].steps', 'must contain no more than 50 elements'],
      ['a step that is not an object', withAgent({ steps: ['fetch'] }), 'microAgents[0].steps[0]', 'must be either object or array'],
      ['a missing step id', withAgent({ steps: [omit(factory.step(), 'id')] }), 'microAgents[0].steps[0].id', 'must match'],
      ['a step id with a dot', withStep({ id: 'fetch.feed' }), 'microAgents[0].steps[0].id', 'must match'],
      ['a step id starting with a capital', withStep({ id: 'Fetch' }), 'microAgents[0].steps[0].id', 'must match ^[a-z][a-zA-Z0-9_-]{0,39}$'],
      [
        'a step id over 40 characters',
        withAgent({ steps: [factory.step(), factory.step({ id: 's'.repeat(41) })] }),
        'microAgents[0].steps[1].id',
        'must match',
      ],
      ['a missing step tool', withAgent({ steps: [omit(factory.step(), 'tool')] }), 'microAgents[0].steps[0].tool', 'must be a string'],
      ['missing step args', withAgent({ steps: [omit(factory.step(), 'args')] }), 'microAgents[0].steps[0].args', 'must be an object'],
      ['step args that are null', withStep({ args: null }), 'microAgents[0].steps[0].args', 'must be an object'],
      ['step args that are a list', withStep({ args: ['GET'] }), 'microAgents[0].steps[0].args', 'must be an object'],
      ['step args that are a string', withStep({ args: 'GET /' }), 'microAgents[0].steps[0].args', 'must be an object'],
      ['limits that are not an object', factory.definition({ limits: 10 }), 'limits', 'must be either object or array'],
      ['maxToolCalls of 0', factory.definition({ limits: { maxToolCalls: 0 } }), 'limits.maxToolCalls', 'must not be less than 1'],
      ['maxToolCalls over 1000', factory.definition({ limits: { maxToolCalls: 1001 } }), 'limits.maxToolCalls', 'must not be greater than 1000'],
      ['a fractional maxToolCalls', factory.definition({ limits: { maxToolCalls: 2.5 } }), 'limits.maxToolCalls', 'must be an integer number'],
      ['maxToolCalls as a string', factory.definition({ limits: { maxToolCalls: '10' } }), 'limits.maxToolCalls', 'must be an integer number'],
      ['timeoutSeconds of 0', factory.definition({ limits: { timeoutSeconds: 0 } }), 'limits.timeoutSeconds', 'must not be less than 1'],
      [
        'timeoutSeconds over a day',
        factory.definition({ limits: { timeoutSeconds: 86_401 } }),
        'limits.timeoutSeconds',
        'must not be greater than 86400',
      ],
      ['an approval policy without tools', withAgent({ requiresApproval: { tools: [], timeoutSeconds: 60, onTimeout: 'reject' } }), 'microAgents[0].requiresApproval.tools', 'must contain at least 1 elements'],
      ['an approval timeout over a week', withAgent({ requiresApproval: { tools: ['http.request'], timeoutSeconds: 604_801, onTimeout: 'reject' } }), 'microAgents[0].requiresApproval.timeoutSeconds', 'must not be greater than 604800'],
      ['an unknown onTimeout', withAgent({ requiresApproval: { tools: ['http.request'], timeoutSeconds: 60, onTimeout: 'ignore' } }), 'microAgents[0].requiresApproval.onTimeout', 'must be one of the following values: reject, approve'],
      ['an unknown concurrency policy', factory.definition({ concurrency: { policy: 'parallel' } }), 'concurrency.policy', 'must be one of the following values: allow, reject, queue, replace'],
      ['a Slack channel with spaces', factory.definition({ notify: { slackChannel: '#the team' } }), 'notify.slackChannel', 'must be a Slack channel name'],
      ['a trigger of an unknown type', factory.definition({ triggers: [{ type: 'gitlab', events: ['push'], repository: 'acme/web' }] }), 'triggers[0].type', 'must be one of the following values: github'],
      ['a trigger without events', factory.definition({ triggers: [{ type: 'github', events: [], repository: 'acme/web' }] }), 'triggers[0].events', 'must contain at least 1 elements'],
      ['a trigger event with spaces', factory.definition({ triggers: [{ type: 'github', events: ['pull request'], repository: 'acme/web' }] }), 'triggers[0].events', 'must be a GitHub event'],
      ['a trigger without a repository', factory.definition({ triggers: [{ type: 'github', events: ['push'] }] }), 'triggers[0].repository', 'must be a repository as owner/name'],
      ['a trigger repository without its owner', factory.definition({ triggers: [{ type: 'github', events: ['push'], repository: 'web' }] }), 'triggers[0].repository', 'must be a repository as owner/name'],
    ])('refuses %s', (_case, body, path, fragment) => {
      expectOnlyProblemsAt(body, path, fragment);
    });

    it('refuses micro agents given as an object instead of a list', () => {
      const problems = problemsOf(factory.definition({ microAgents: { collect: factory.microAgent() } }));

      expect(problems).toContainEqual({ path: 'microAgents', message: 'must be an array' });
    });

    it.each<[string, Body, string]>([
      ['the top level', factory.definition({ owner: 'ada' }), 'owner'],
      ['the top level, for a field of another level', factory.definition({ steps: [] }), 'steps'],
      [
        'a micro agent',
        factory.definition({ microAgents: [factory.microAgent(), factory.microAgent({ key: 'b', prompt: 'x' })] }),
        'microAgents[1].prompt',
      ],
      ['a micro agent, for a misspelt field', withAgent({ depends_on: ['a'] }), 'microAgents[0].depends_on'],
      ['a step', withAgent({ steps: [factory.step(), factory.step({ id: 'again', retries: 3 })] }), 'microAgents[0].steps[1].retries'],
      ['the limits', factory.definition({ limits: { maxToolCalls: 5, maxCost: 100 } }), 'limits.maxCost'],
    ])('refuses an unknown field at %s', (_case, body, path) => {
      const field = path.split('.').pop() as string;

      expect(problemsOf(body)).toEqual([{ path, message: `property ${field} should not exist` }]);
    });
  });

  describe('checks the rules that need the whole definition', () => {
    it('accepts an LLM micro agent: instructions and tools, no steps', () => {
      const body = factory.definition({
        model: 'gpt-4o-mini',
        limits: { maxTokens: 20_000 },
        microAgents: [{ ...omit(factory.microAgent(), 'steps'), instructions: 'List the open pull requests', model: ['gpt-4o', 'local/llama3'], responseFormat: 'json' }],
      });

      expect(sut(body)).toMatchObject({
        ok: true,
        definition: { model: 'gpt-4o-mini', microAgents: [{ instructions: 'List the open pull requests', model: ['gpt-4o', 'local/llama3'], responseFormat: 'json' }] },
      });
    });

    it('accepts run control: approvals, a concurrency policy and a Slack channel to notify', () => {
      const body = factory.definition({
        concurrency: { policy: 'queue' },
        notify: { slackChannel: '#dev' },
        triggers: [{ type: 'github', events: ['pull_request.opened', 'issues'], repository: 'acme/web' }],
        microAgents: [factory.microAgent({ requiresApproval: { tools: ['http.request'], timeoutSeconds: 3600, onTimeout: 'approve' } })],
      });

      expect(sut(body)).toMatchObject({ ok: true, definition: { concurrency: { policy: 'queue' }, notify: { slackChannel: '#dev' } } });
    });

    it.each<[string, Body, string, string]>([
      [
        'an approval for a tool the micro agent does not have',
        withAgent({ requiresApproval: { tools: ['slack.postMessage'], timeoutSeconds: 60, onTimeout: 'reject' } }),
        'microAgents[0].requiresApproval.tools[0]',
        '"slack.postMessage" is not in microAgents[0].tools',
      ],
      [
        'an approval that lists a tool twice',
        withAgent({ requiresApproval: { tools: ['http.request', 'http.request'], timeoutSeconds: 60, onTimeout: 'reject' } }),
        'microAgents[0].requiresApproval.tools[1]',
        '"http.request" is listed twice',
      ],
      [
        'the key the run output keeps the summary under',
        factory.definition({ microAgents: [factory.microAgent({ key: 'summary' })] }),
        'microAgents[0].key',
        '"summary" is where the run output keeps the main agent\'s summary; choose another key',
      ],
      [
        'neither steps nor instructions',
        factory.definition({ microAgents: [omit(factory.microAgent(), 'steps')] }),
        'microAgents[0]',
        'needs steps (tool calls run in order) or instructions (a model calls its tools)',
      ],
      [
        'a duplicate key',
        factory.definition({ microAgents: [factory.microAgent(), factory.microAgent({ key: 'other' }), factory.microAgent()] }),
        'microAgents[2].key',
        'duplicates microAgents[0].key "collect"',
      ],
      [
        'an unknown dependency',
        factory.definition({ microAgents: [factory.microAgent(), factory.microAgent({ key: 'b', dependsOn: ['collect', 'ghost'] })] }),
        'microAgents[1].dependsOn[1]',
        'unknown micro agent "ghost"',
      ],
      [
        'a cycle of two micro agents',
        factory.definition({ microAgents: [factory.microAgent({ key: 'a', dependsOn: ['b'] }), factory.microAgent({ key: 'b', dependsOn: ['a'] })] }),
        'microAgents',
        'dependency cycle: a → b → a',
      ],
      [
        'a cycle of three micro agents',
        factory.definition({
          microAgents: [
            factory.microAgent({ key: 'a', dependsOn: ['c'] }),
            factory.microAgent({ key: 'b', dependsOn: ['a'] }),
            factory.microAgent({ key: 'c', dependsOn: ['b'] }),
          ],
        }),
        'microAgents',
        'dependency cycle: a → c → b → a',
      ],
      ['a micro agent that depends on itself', withAgent({ dependsOn: ['collect'] }), 'microAgents', 'dependency cycle: collect → collect'],
      [
        'an unknown tool in tools',
        withAgent({ tools: ['http.request', 'web.search'] }),
        'microAgents[0].tools[1]',
        'unknown tool "web.search"; GET /api/v1/tools lists them',
      ],
      [
        'an unknown tool in a step',
        withAgent({ steps: [factory.step(), factory.step({ id: 'search', tool: 'web.search', args: { q: 'x' } })] }),
        'microAgents[0].steps[1].tool',
        'unknown tool "web.search"',
      ],
      [
        'a step tool that is not among the micro agent tools',
        withStep({ tool: 'text.render', args: { template: 'x' } }),
        'microAgents[0].steps[0].tool',
        '"text.render" is not in microAgents[0].tools',
      ],
      [
        'a duplicate step id',
        pipeline(factory.step({ id: 'post' }), factory.step({ id: 'other' }), postStep()),
        'microAgents[1].steps[2].id',
        'duplicates microAgents[1].steps[0].id "post"',
      ],
      ['an unknown argument', pipeline(postStep({ verb: 'POST' })), 'microAgents[1].steps[0].args.verb', 'is not an argument of this tool'],
      ['a missing required url', pipeline(postStep({}, { args: { method: 'GET' } })), 'microAgents[1].steps[0].args.url', 'is required'],
      [
        'a missing required method',
        pipeline(postStep({}, { args: { url: 'https://example.com' } })),
        'microAgents[1].steps[0].args.method',
        'is required',
      ],
      [
        'a method outside the enum',
        pipeline(postStep({ method: 'FETCH' })),
        'microAgents[1].steps[0].args.method',
        'must be one of GET, HEAD, POST, PUT, PATCH, DELETE',
      ],
      [
        'a method with text around a template',
        pipeline(postStep({ method: 'P{{input.rest}}' })),
        'microAgents[1].steps[0].args.method',
        'must be one of',
      ],
      [
        'a timeout that is a Mustache variable',
        pipeline(postStep({ timeoutMs: '{{timeout}}' })),
        'microAgents[1].steps[0].args.timeoutMs',
        'must be integer',
      ],
      [
        'a header value that is not a string',
        pipeline(postStep({ headers: { 'x-count': 3 } })),
        'microAgents[1].steps[0].args.headers.x-count',
        'must be string',
      ],
      [
        'a text.render step without a template',
        pipeline(factory.step({ id: 'render', tool: 'text.render', args: { data: {} } })),
        'microAgents[1].steps[0].args.template',
        'is required',
      ],
      [
        'a reference to an unknown micro agent',
        pipeline(postStep({ url: '{{agents.ghost.output.url}}' })),
        'microAgents[1].steps[0].args.url',
        '{{agents.ghost.output.url}} names unknown micro agent "ghost"',
      ],
      [
        'a reference to a micro agent that depends on this one',
        factory.definition({
          microAgents: [
            factory.microAgent({ steps: [postStep({ url: '{{agents.summarize.output}}' })] }),
            factory.microAgent({ key: 'summarize', dependsOn: ['collect'] }),
          ],
        }),
        'microAgents[0].steps[0].args.url',
        'reads micro agent "summarize", which is not among this micro agent\'s dependencies (dependsOn)',
      ],
      [
        'a reference to a micro agent that is not a dependency',
        factory.definition({
          microAgents: [
            factory.microAgent(),
            factory.microAgent({ key: 'other', steps: [postStep({ headers: { x: '{{ agents.collect.output.token }}' } })] }),
          ],
        }),
        'microAgents[1].steps[0].args.headers.x',
        '{{agents.collect.output.token}} reads micro agent "collect", which is not among',
      ],
      [
        'a reference of a micro agent to itself',
        pipeline(postStep({ body: { previous: ['{{agents.summarize.output}}'] } })),
        'microAgents[1].steps[0].args.body.previous[0]',
        'reads micro agent "summarize", which is not among',
      ],
      [
        'a reference to a micro agent only reached through a dependant',
        factory.definition({
          microAgents: [
            factory.microAgent({ key: 'first' }),
            factory.microAgent({ key: 'second', dependsOn: ['first'] }),
            factory.microAgent({ key: 'third', dependsOn: ['first'], steps: [postStep({ url: '{{agents.second.output}}' })] }),
          ],
        }),
        'microAgents[2].steps[0].args.url',
        'reads micro agent "second", which is not among',
      ],
      [
        'a micro agent reference without .output',
        pipeline(postStep({ url: '{{agents.collect}}' })),
        'microAgents[1].steps[0].args.url',
        '{{agents.collect}} must have the form {{agents.<key>.output[.path]}}',
      ],
      [
        'a micro agent reference to a field beside .output',
        pipeline(postStep({ headers: { x: 'Bearer {{agents.collect.token}}' } })),
        'microAgents[1].steps[0].args.headers.x',
        '{{agents.collect.token}} must have the form',
      ],
      [
        'a reference to a later step',
        pipeline(postStep({ url: '{{steps.notify.output.url}}' }), factory.step({ id: 'notify' })),
        'microAgents[1].steps[0].args.url',
        '{{steps.notify.output.url}} reads step "notify", which is not an earlier step of this micro agent',
      ],
      [
        'a reference to an unknown step',
        pipeline(factory.step(), postStep({ body: '{{steps.ghost.output}}' })),
        'microAgents[1].steps[1].args.body',
        'reads step "ghost", which is not an earlier step',
      ],
      [
        'a reference of a step to itself',
        pipeline(postStep({ body: 'again {{steps.post.output}}' })),
        'microAgents[1].steps[0].args.body',
        'reads step "post", which is not an earlier step',
      ],
      [
        'a reference to a step of another micro agent',
        pipeline(postStep({ body: '{{steps.fetch.output}}' })),
        'microAgents[1].steps[0].args.body',
        'reads step "fetch", which is not an earlier step',
      ],
      [
        'a step reference without .output',
        pipeline(factory.step(), postStep({ body: '{{steps.fetch}}' })),
        'microAgents[1].steps[1].args.body',
        '{{steps.fetch}} must have the form {{steps.<id>.output[.path]}}',
      ],
      [
        'a template with an empty path segment',
        pipeline(postStep({ url: 'https://example.com/{{input..path}}' })),
        'microAgents[1].steps[0].args.url',
        '{{input..path}} has an empty path segment',
      ],
      [
        'a bad reference in a text.render template',
        pipeline(factory.step({ id: 'render', tool: 'text.render', args: { template: '{{#items}}{{title}}{{/items}} {{agents.ghost.output}}' } })),
        'microAgents[1].steps[0].args.template',
        'names unknown micro agent "ghost"',
      ],
      [
        'more steps than maxToolCalls',
        factory.definition({ microAgents: [factory.microAgent({ steps: manySteps(2) })], limits: { maxToolCalls: 1 } }),
        'limits.maxToolCalls',
        'the steps make 2 tool calls, more than maxToolCalls (1)',
      ],
      [
        'more steps across micro agents than maxToolCalls',
        { ...pipeline(factory.step({ id: 'a' }), factory.step({ id: 'b' })), limits: { maxToolCalls: 2 } },
        'limits.maxToolCalls',
        'the steps make 3 tool calls, more than maxToolCalls (2)',
      ],
    ])('refuses %s', (_case, body, path, fragment) => {
      expect(problemsOf(body)).toEqual([{ path, message: expect.stringContaining(fragment) }]);
    });
  });

  describe('lists every problem at once', () => {
    it('of the shape', () => {
      const body = {
        description: 'd'.repeat(1001),
        microAgents: [
          factory.microAgent({ key: 'Bad', extra: true }),
          factory.microAgent({ key: 'ok', steps: [factory.step({ id: '1st', retries: 2 })] }),
          { ...omit(factory.microAgent({ key: 'llm' }), 'steps'), instructions: 'summarise', responseFormat: 'yaml' },
        ],
        limits: { maxToolCalls: 0, foo: 1 },
        owner: 'ada',
      };

      const paths = new Set(problemsOf(body).map((problem) => problem.path));

      expect([...paths].sort()).toEqual(
        [
          'name',
          'description',
          'microAgents[0].key',
          'microAgents[0].extra',
          'microAgents[1].steps[0].id',
          'microAgents[1].steps[0].retries',
          'microAgents[2].responseFormat',
          'limits.maxToolCalls',
          'limits.foo',
          'owner',
        ].sort(),
      );
    });

    it('of the whole definition', () => {
      const body = factory.definition({
        microAgents: [
          factory.microAgent({ key: 'a', dependsOn: ['b', 'ghost'], tools: ['http.request', 'web.search'] }),
          factory.microAgent({ key: 'b', dependsOn: ['a'] }),
          factory.microAgent({
            key: 'c',
            steps: [
              factory.step({ id: 's', tool: 'text.render', args: { template: '{{agents.b.output}}' } }),
              factory.step({ id: 's', args: { method: 'FETCH', url: '{{steps.later.output}}', extra: 1 } }),
            ],
          }),
          factory.microAgent({ key: 'd' }),
          factory.microAgent({ key: 'd' }),
        ],
        limits: { maxToolCalls: 3 },
      });

      const problems = problemsOf(body);

      expect(problems).toEqual([
        { path: 'microAgents[4].key', message: 'duplicates microAgents[3].key "d"' },
        { path: 'microAgents[0].dependsOn[1]', message: 'unknown micro agent "ghost"' },
        { path: 'microAgents', message: 'dependency cycle: a → b → a' },
        { path: 'microAgents[0].tools[1]', message: expect.stringContaining('unknown tool "web.search"') },
        { path: 'microAgents[2].steps[0].tool', message: '"text.render" is not in microAgents[2].tools' },
        { path: 'microAgents[2].steps[0].args.template', message: expect.stringContaining('reads micro agent "b", which is not among') },
        { path: 'microAgents[2].steps[1].id', message: 'duplicates microAgents[2].steps[0].id "s"' },
        { path: 'microAgents[2].steps[1].args.extra', message: 'is not an argument of this tool' },
        { path: 'microAgents[2].steps[1].args.method', message: expect.stringContaining('must be one of') },
        { path: 'microAgents[2].steps[1].args.url', message: expect.stringContaining('reads step "later"') },
        { path: 'limits.maxToolCalls', message: 'the steps make 6 tool calls, more than maxToolCalls (3)' },
      ]);
    });
  });

  it('refuses a credential written into a step, pointing at secrets instead', () => {
    const result = validateAgentDefinition(withStep({ args: { method: 'GET', url: 'https://example.com/feed', headers: { Authorization: 'Bearer ghp_live' } } }));
    expect(result).toEqual({
      ok: false,
      problems: [{ path: 'microAgents[0].steps[0].args.headers.Authorization', message: expect.stringContaining('{{secrets.<name>}}') }],
    });
    expect(validateAgentDefinition(withStep({ args: { method: 'GET', url: 'https://example.com/feed', headers: { Authorization: 'Bearer {{secrets.feed}}' } } })).ok).toBe(true);
  });

  it('lists unknown fields together with the graph problems', () => {
    const body = factory.definition({
      surprise: true,
      microAgents: [factory.microAgent({ key: 'a', dependsOn: ['ghost'], colour: 'red' })],
    });

    expect(problemsOf(body)).toEqual([
      { path: 'surprise', message: 'property surprise should not exist' },
      { path: 'microAgents[0].colour', message: 'property colour should not exist' },
      { path: 'microAgents[0].dependsOn[0]', message: 'unknown micro agent "ghost"' },
    ]);
  });

  it('does not read the graph when its shape is broken', () => {
    const problems = problemsOf(factory.definition({ microAgents: [factory.microAgent({ key: 'a', dependsOn: ['ghost'], tools: 'http.request' })] }));

    expect(problems).toContainEqual({ path: 'microAgents[0].tools', message: 'must be an array' });
    expect(problems.map((problem) => problem.path)).not.toContain('microAgents[0].dependsOn[0]');
  });

  it('refuses a text.render template that is not valid Mustache, at its path', () => {
    const body = withAgent({ tools: ['text.render'], steps: [factory.step({ tool: 'text.render', args: { template: 'Hi {{#people}}{{name}}' } })] });

    expect(problemsOf(body)).toEqual([
      { path: 'microAgents[0].steps[0].args.template', message: expect.stringContaining('is not a valid Mustache template: Unclosed section "people"') },
    ]);
  });
});
