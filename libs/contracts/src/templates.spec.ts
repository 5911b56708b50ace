import type { JsonValue } from './json';
import {
  listTemplateReferences,
  parseTemplateExpression,
  resolveTemplates,
  TemplateError,
  type TemplateContext,
} from './templates';

const factory = {
  context: (overrides: Partial<TemplateContext> = {}): TemplateContext => ({
    input: {
      title: 'Weekly digest',
      count: 3,
      ratio: 0.5,
      enabled: false,
      nothing: null,
      tags: ['a', 'b'],
      items: [{ title: 'First' }, { title: 'Second' }],
      owner: { name: 'Ada', address: { city: 'London' } },
    },
    agents: { fetch: { output: { status: 200, body: { items: [{ id: 7 }] } } } },
    steps: { load: { output: 'loaded text' } },
    ...overrides,
  }),
};

describe(resolveTemplates.name, () => {
  const sut = resolveTemplates;

  describe('a string that is one whole template', () => {
    it.each<[string, string, JsonValue]>([
      ['a string', '{{input.title}}', 'Weekly digest'],
      ['an integer', '{{input.count}}', 3],
      ['a fraction', '{{input.ratio}}', 0.5],
      ['a boolean', '{{input.enabled}}', false],
      ['null', '{{input.nothing}}', null],
      ['an array', '{{input.tags}}', ['a', 'b']],
      ['an object', '{{input.owner}}', { name: 'Ada', address: { city: 'London' } }],
      ['the whole input', '{{input}}', factory.context().input],
      ['a micro agent output', '{{agents.fetch.output}}', { status: 200, body: { items: [{ id: 7 }] } }],
      ['a path into a micro agent output', '{{agents.fetch.output.body.items.0.id}}', 7],
      ['a step output', '{{steps.load.output}}', 'loaded text'],
      ['an array element by index', '{{input.items.1}}', { title: 'Second' }],
      ['a field of an array element', '{{input.items.0.title}}', 'First'],
      ['a nested field', '{{input.owner.address.city}}', 'London'],
      ['a value with spaces inside the braces', '{{ input.count }}', 3],
      ['a value with tabs and newlines inside the braces', '{{\tinput.tags\n}}', ['a', 'b']],
    ])('keeps the raw JSON value of %s', (_case, template, expected) => {
      expect(sut(template, factory.context())).toEqual(expected);
    });
  });

  describe('a string with templates among other text', () => {
    it.each<[string, string, string]>([
      ['a string as is', 'Title: {{input.title}}', 'Title: Weekly digest'],
      ['a number as JSON', '{{input.count}} items', '3 items'],
      ['a boolean as JSON', 'enabled={{input.enabled}}', 'enabled=false'],
      ['null as JSON', 'value={{input.nothing}}', 'value=null'],
      ['an array as JSON', 'tags: {{input.tags}}', 'tags: ["a","b"]'],
      ['an object as JSON', 'owner: {{input.owner}}', 'owner: {"name":"Ada","address":{"city":"London"}}'],
      ['several templates', '{{input.title}} by {{input.owner.name}}', 'Weekly digest by Ada'],
      ['two adjacent templates', '{{input.count}}{{input.title}}', '3Weekly digest'],
      ['a template with spaces', 'Hi {{  input.owner.name  }}!', 'Hi Ada!'],
      ['a template surrounded by spaces', ' {{input.count}} ', ' 3 '],
      ['an array element', 'First: {{input.items.0.title}}', 'First: First'],
      ['a step output', '<{{steps.load.output}}>', '<loaded text>'],
    ])('puts %s into the text', (_case, template, expected) => {
      expect(sut(template, factory.context())).toBe(expected);
    });

    it('does not treat replacement patterns in a value as special', () => {
      const context = factory.context({ input: { text: "$& $1 $$ $` $'" } });

      expect(sut('say {{input.text}}', context)).toBe("say $& $1 $$ $` $'");
    });

    it('does not resolve templates that appear inside a resolved value', () => {
      const context = factory.context({ input: { text: '{{input.secret}}', secret: 'leaked' } });

      expect(sut('say {{input.text}}', context)).toBe('say {{input.secret}}');
      expect(sut('{{input.text}}', context)).toBe('{{input.secret}}');
    });
  });

  it.each([
    ['a Mustache variable', 'Hello {{title}}'],
    ['a Mustache section', '{{#items}}- {{title}}\n{{/items}}'],
    ['an inverted section', '{{^items}}none{{/items}}'],
    ['a triple Mustache variable', '{{{html}}}'],
    ['a variable whose name starts like a root', '{{inputs}} {{agentsList}} {{stepsTaken}}'],
    ['a variable with a root as a later segment', '{{data.input.x}}'],
    ['a root followed by other text', '{{input x}}'],
    ['single braces', '{input.title}'],
    ['plain text', 'no templates here'],
    ['an empty string', ''],
  ])('leaves %s unchanged', (_case, text) => {
    expect(sut(text, factory.context())).toBe(text);
  });

  it('resolves engine templates and leaves Mustache syntax in the same string', () => {
    expect(sut('{{#items}}{{title}} of {{input.title}}{{/items}}', factory.context())).toBe(
      '{{#items}}{{title}} of Weekly digest{{/items}}',
    );
  });

  it.each<[string, JsonValue]>([
    ['a number', 42],
    ['a boolean', true],
    ['null', null],
  ])('returns %s as it is', (_case, value) => {
    expect(sut(value, factory.context())).toBe(value);
  });

  it('resolves objects and arrays deep and keeps their shape', () => {
    const value: JsonValue = {
      method: 'POST',
      url: 'https://example.com/{{input.owner.name}}',
      headers: { 'x-count': '{{input.count}}' },
      body: {
        tags: '{{input.tags}}',
        list: ['{{input.items.0.title}}', 1, null, ['{{steps.load.output}}', { deep: '{{agents.fetch.output.status}}' }]],
        unchanged: '{{title}}',
        flag: true,
      },
    };

    expect(sut(value, factory.context())).toEqual({
      method: 'POST',
      url: 'https://example.com/Ada',
      headers: { 'x-count': 3 },
      body: {
        tags: ['a', 'b'],
        list: ['First', 1, null, ['loaded text', { deep: 200 }]],
        unchanged: '{{title}}',
        flag: true,
      },
    });
  });

  it('does not change the value it resolves', () => {
    const value: JsonValue = { a: ['{{input.count}}'], b: { c: '{{input.title}}' } };
    const copy = structuredClone(value);

    sut(value, factory.context());

    expect(value).toEqual(copy);
  });

  describe('when a template has no value', () => {
    it.each([
      ['an unknown input field', '{{input.missing}}'],
      ['a field below a string', '{{input.title.length}}'],
      ['a field below null', '{{input.nothing.x}}'],
      ['a field below a number', '{{input.count.x}}'],
      ['an index past the end of an array', '{{input.items.5}}'],
      ['a negative index', '{{input.items.-1}}'],
      ['a named property of an array', '{{input.items.length}}'],
      ['a hexadecimal index', '{{input.items.0x1}}'],
      ['an index in exponent notation', '{{input.items.1e0}}'],
      ['a field of an array', '{{input.items.title}}'],
      ['an index into an object', '{{input.owner.0}}'],
      ['an unknown micro agent', '{{agents.nobody.output}}'],
      ['an unknown field of a micro agent output', '{{agents.fetch.output.missing}}'],
      ['an unknown step', '{{steps.later.output}}'],
      ['a field below a string step output', '{{steps.load.output.x}}'],
    ])('throws a TemplateError naming the expression for %s', (_case, template) => {
      const expression = template.slice(2, -2);

      expect(() => sut(template, factory.context())).toThrow(TemplateError);
      expect(() => sut(template, factory.context())).toThrow(`{{${expression}}} has no value`);
    });

    it('throws also when the template sits among other text', () => {
      expect(() => sut('Hello {{ input.missing }}!', factory.context())).toThrow(
        new TemplateError('{{input.missing}} has no value'),
      );
    });

    it('throws also when the template sits deep in an object', () => {
      expect(() => sut({ body: { list: [1, { x: '{{steps.later.output}}' }] } }, factory.context())).toThrow(
        '{{steps.later.output}} has no value',
      );
    });

    it('throws for a template on the input when there is no input', () => {
      expect(() => sut('{{input.x}}', factory.context({ input: null }))).toThrow('{{input.x}} has no value');
    });
  });

  describe('does not read inherited properties', () => {
    it.each([
      '{{input.constructor}}',
      '{{input.__proto__}}',
      '{{input.toString}}',
      '{{input.hasOwnProperty}}',
      '{{input.owner.constructor.name}}',
      '{{input.items.constructor}}',
      '{{input.tags.map}}',
      '{{agents.constructor.output}}',
      '{{agents.__proto__.output}}',
      '{{agents.fetch.output.constructor}}',
      '{{steps.toString.output}}',
      'x {{input.constructor}} y',
    ])('%s throws a TemplateError', (template) => {
      expect(() => sut(template, factory.context())).toThrow(TemplateError);
    });

    it('but reads an own property named like an inherited one', () => {
      const context = factory.context({ input: JSON.parse('{"constructor":"own","__proto__":"own too"}') as JsonValue });

      expect(sut('{{input.constructor}} {{input.__proto__}}', context)).toBe('own own too');
    });
  });

  it.each([
    ['{{agents.fetch}}', '{{agents.fetch}} must have the form {{agents.<key>.output[.path]}}'],
    ['{{agents.fetch.status}}', '{{agents.fetch.status}} must have the form {{agents.<key>.output[.path]}}'],
    ['{{agents}}', '{{agents}} must have the form {{agents.<key>.output[.path]}}'],
    ['{{steps.load}}', '{{steps.load}} must have the form {{steps.<id>.output[.path]}}'],
    ['{{steps.load.result}}', '{{steps.load.result}} must have the form {{steps.<id>.output[.path]}}'],
    ['{{input.}}', '{{input.}} has an empty path segment'],
    ['{{input..x}}', '{{input..x}} has an empty path segment'],
    ['say {{agents.fetch}}', '{{agents.fetch}} must have the form {{agents.<key>.output[.path]}}'],
  ])('refuses the malformed template %s', (template, message) => {
    expect(() => sut(template, factory.context())).toThrow(new TemplateError(message));
  });
});

describe('secrets in templates', () => {
  const secrets = { apiKey: 'sk-live-123' };

  it('puts a secret where its template stands, inside text or as a whole value', () => {
    const args = { headers: { authorization: 'Bearer {{secrets.apiKey}}', 'x-key': '{{secrets.apiKey}}' } };

    expect(resolveTemplates(args, factory.context({ secrets }))).toEqual({ headers: { authorization: 'Bearer sk-live-123', 'x-key': 'sk-live-123' } });
  });

  it('names the missing secret and how to store it', () => {
    expect(() => resolveTemplates('{{secrets.other}}', factory.context({ secrets }))).toThrow(
      '{{secrets.other}}: there is no secret "other"; store it with PUT /api/v1/secrets/other',
    );
  });

  it('resolves nothing for a context without secrets', () => {
    expect(() => resolveTemplates('{{secrets.apiKey}}', factory.context())).toThrow(TemplateError);
  });
});

describe(parseTemplateExpression.name, () => {
  const sut = parseTemplateExpression;

  it.each([
    ['input', { root: 'input', path: [], expression: 'input' }],
    ['input.title', { root: 'input', path: ['title'], expression: 'input.title' }],
    ['input.items.0.title', { root: 'input', path: ['items', '0', 'title'], expression: 'input.items.0.title' }],
    ['agents.fetch.output', { root: 'agents', key: 'fetch', path: [], expression: 'agents.fetch.output' }],
    [
      'agents.fetch.output.body.items',
      { root: 'agents', key: 'fetch', path: ['body', 'items'], expression: 'agents.fetch.output.body.items' },
    ],
    ['steps.load.output', { root: 'steps', id: 'load', path: [], expression: 'steps.load.output' }],
    ['steps.load.output.0', { root: 'steps', id: 'load', path: ['0'], expression: 'steps.load.output.0' }],
    ['agents.output.output', { root: 'agents', key: 'output', path: [], expression: 'agents.output.output' }],
    ['secrets.githubToken', { root: 'secrets', name: 'githubToken', path: [], expression: 'secrets.githubToken' }],
  ])('parses %s', (expression, expected) => {
    expect(sut(expression)).toEqual(expected);
  });

  it.each([
    ['agents', 'must have the form {{agents.<key>.output[.path]}}'],
    ['agents.fetch', 'must have the form {{agents.<key>.output[.path]}}'],
    ['agents.fetch.result', 'must have the form {{agents.<key>.output[.path]}}'],
    ['steps', 'must have the form {{steps.<id>.output[.path]}}'],
    ['steps.load', 'must have the form {{steps.<id>.output[.path]}}'],
    ['steps.load.outputs', 'must have the form {{steps.<id>.output[.path]}}'],
    ['input.', 'has an empty path segment'],
    ['input..title', 'has an empty path segment'],
    ['.input', 'has an empty path segment'],
    ['agents..output', 'has an empty path segment'],
    ['', 'has an empty path segment'],
    ['title', 'must start with input, agents, steps or secrets'],
    ['other.x.output', 'must start with input, agents, steps or secrets'],
    ['Input.title', 'must start with input, agents, steps or secrets'],
    ['secrets', 'must have the form {{secrets.<name>}}'],
    ['secrets.api.key', 'must have the form {{secrets.<name>}}'],
    ['secrets.1password', 'must have the form {{secrets.<name>}}'],
  ])('refuses %p with a TemplateError', (expression, message) => {
    expect(() => sut(expression)).toThrow(TemplateError);
    expect(() => sut(expression)).toThrow(`{{${expression}}} ${message}`);
  });
});

describe(listTemplateReferences.name, () => {
  const sut = listTemplateReferences;

  it('lists nothing in a value without engine templates', () => {
    expect(sut({ a: 'plain', b: ['{{title}}', '{{#items}}x{{/items}}'], c: 1, d: null, e: true })).toEqual([]);
  });

  it.each<[string, unknown, Array<{ at: string; expression: string }>]>([
    ['a whole template', '{{input.title}}', [{ at: '', expression: 'input.title' }]],
    ['a template with spaces', '{{  agents.a.output  }}', [{ at: '', expression: 'agents.a.output' }]],
    [
      'several templates in one string, in order',
      'x {{steps.s.output}} y {{input}} z {{title}}',
      [
        { at: '', expression: 'steps.s.output' },
        { at: '', expression: 'input' },
      ],
    ],
    ['a template in an object field', { url: '{{input.url}}' }, [{ at: 'url', expression: 'input.url' }]],
    ['a template in a nested field', { headers: { x: '{{agents.a}}' } }, [{ at: 'headers.x', expression: 'agents.a' }]],
    ['a template in an array', ['a', '{{input.x}}'], [{ at: '[1]', expression: 'input.x' }]],
    [
      'a template in an array in an object',
      { body: { list: [{ v: '{{steps.s.output.0}}' }] } },
      [{ at: 'body.list[0].v', expression: 'steps.s.output.0' }],
    ],
    ['a malformed engine template', { a: '{{input..x}}' }, [{ at: 'a', expression: 'input..x' }]],
  ])('lists %s with the path it sits at', (_case, value, expected) => {
    expect(sut(value)).toEqual(expected);
  });

  it('lists templates in document order', () => {
    const value = { first: '{{input.a}}', second: ['{{input.b}}', { third: '{{input.c}} {{input.d}}' }], fourth: '{{input.e}}' };

    expect(sut(value).map((reference) => reference.expression)).toEqual(['input.a', 'input.b', 'input.c', 'input.d', 'input.e']);
  });

  it('starts paths at the given prefix', () => {
    expect(sut({ headers: { x: '{{input.x}}' }, list: ['{{input.y}}'] }, 'args')).toEqual([
      { at: 'args.headers.x', expression: 'input.x' },
      { at: 'args.list[0]', expression: 'input.y' },
    ]);
  });

  it.each([42, true, null, undefined])('lists nothing in %p', (value) => {
    expect(sut(value)).toEqual([]);
  });
});

