import type { JsonObject } from '../json';
import { checkDefinitionArgs, checkResolvedArgs } from './tool-args.validator';
import type { ValidationProblem } from './validation-problem';

const METHODS = 'must be one of GET, HEAD, POST, PUT, PATCH, DELETE';

const factory = {
  httpArgs: (overrides: JsonObject = {}): JsonObject => ({ method: 'GET', url: 'https://example.com/feed', ...overrides }),
  renderArgs: (overrides: JsonObject = {}): JsonObject => ({ template: 'Hello {{name}}', ...overrides }),
};

const omit = (object: JsonObject, key: string): JsonObject => Object.fromEntries(Object.entries(object).filter(([name]) => name !== key));

describe(checkResolvedArgs.name, () => {
  const sut = checkResolvedArgs;

  describe('llm.generate', () => {
    it.each<[string, JsonObject]>([
      ['a prompt alone', { prompt: 'hi' }],
      ['a model', { prompt: 'hi', model: 'gpt-4o-mini' }],
      ['a fallback chain', { prompt: 'hi', model: ['gpt-4o-mini', 'local/llama3'] }],
    ])('accepts %s', (_case, args) => {
      expect(sut('llm.generate', args)).toEqual([]);
    });

    it.each<[string, JsonObject, string]>([
      ['an empty chain', { prompt: 'hi', model: [] }, 'must NOT have fewer than 1 items'],
      ['a chain of six', { prompt: 'hi', model: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'must NOT have more than 5 items'],
      ['a number for a model', { prompt: 'hi', model: 4 }, 'must be string,array'],
    ])('refuses %s', (_case, args, message) => {
      expect(sut('llm.generate', args)).toEqual([{ path: 'args.model', message }]);
    });
  });

  describe('http.request', () => {
    it.each<[string, JsonObject]>([
      ['method and url only', factory.httpArgs()],
      [
        'every argument',
        factory.httpArgs({
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
          body: { items: [1, 'two', null] },
          timeoutMs: 5000,
        }),
      ],
      ...['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method): [string, JsonObject] => [`method ${method}`, factory.httpArgs({ method })]),
      ['empty headers', factory.httpArgs({ headers: {} })],
      ['a string body', factory.httpArgs({ body: 'raw text' })],
      ['a null body', factory.httpArgs({ body: null })],
      ['an array body', factory.httpArgs({ body: [1, 2] })],
      ['the shortest timeout', factory.httpArgs({ timeoutMs: 100 })],
      ['the longest timeout', factory.httpArgs({ timeoutMs: 60_000 })],
      ['the longest url', factory.httpArgs({ url: `https://${'a'.repeat(2040)}` })],
      ['a url that holds template syntax as text', factory.httpArgs({ url: 'https://example.com/?q={{title}}' })],
    ])('accepts %s', (_case, args) => {
      expect(sut('http.request', args)).toEqual([]);
    });

    it.each<[string, JsonObject, ValidationProblem[]]>([
      ['a missing method', omit(factory.httpArgs(), 'method'), [{ path: 'args.method', message: 'is required' }]],
      ['a missing url', omit(factory.httpArgs(), 'url'), [{ path: 'args.url', message: 'is required' }]],
      ['an unknown argument', factory.httpArgs({ verb: 'GET' }), [{ path: 'args.verb', message: 'is not an argument of this tool' }]],
      ['an unknown method', factory.httpArgs({ method: 'FETCH' }), [{ path: 'args.method', message: METHODS }]],
      ['a lower-case method', factory.httpArgs({ method: 'get' }), [{ path: 'args.method', message: METHODS }]],
      ['a method that is not a string', factory.httpArgs({ method: 1 }), [
        { path: 'args.method', message: 'must be string' },
        { path: 'args.method', message: METHODS },
      ]],
      ['a whole template for method', factory.httpArgs({ method: '{{input.method}}' }), [{ path: 'args.method', message: METHODS }]],
      ['a whole template for timeoutMs', factory.httpArgs({ timeoutMs: '{{input.timeout}}' }), [
        { path: 'args.timeoutMs', message: 'must be integer' },
      ]],
      ['a whole template for headers', factory.httpArgs({ headers: '{{input.headers}}' }), [
        { path: 'args.headers', message: 'must be object' },
      ]],
      ['an empty url', factory.httpArgs({ url: '' }), [{ path: 'args.url', message: 'must NOT have fewer than 1 characters' }]],
      ['a url that is too long', factory.httpArgs({ url: `https://${'a'.repeat(2041)}` }), [
        { path: 'args.url', message: 'must NOT have more than 2048 characters' },
      ]],
      ['a url that is not a string', factory.httpArgs({ url: ['https://example.com'] }), [{ path: 'args.url', message: 'must be string' }]],
      ['a header value that is not a string', factory.httpArgs({ headers: { 'x-count': 3 } }), [
        { path: 'args.headers.x-count', message: 'must be string' },
      ]],
      ['headers that are a list', factory.httpArgs({ headers: ['x'] }), [{ path: 'args.headers', message: 'must be object' }]],
      ['a timeout that is too short', factory.httpArgs({ timeoutMs: 99 }), [{ path: 'args.timeoutMs', message: 'must be >= 100' }]],
      ['a timeout that is too long', factory.httpArgs({ timeoutMs: 60_001 }), [{ path: 'args.timeoutMs', message: 'must be <= 60000' }]],
      ['a fractional timeout', factory.httpArgs({ timeoutMs: 1500.5 }), [{ path: 'args.timeoutMs', message: 'must be integer' }]],
    ])('refuses %s', (_case, args, problems) => {
      expect(sut('http.request', args)).toEqual(problems);
    });

    it('lists every problem at once', () => {
      const problems = sut('http.request', { method: 'FETCH', headers: { a: 1, b: 'ok', c: false }, timeoutMs: 5, extra: true });

      expect(problems).toHaveLength(6);
      expect(problems).toEqual(
        expect.arrayContaining([
          { path: 'args.url', message: 'is required' },
          { path: 'args.extra', message: 'is not an argument of this tool' },
          { path: 'args.method', message: METHODS },
          { path: 'args.headers.a', message: 'must be string' },
          { path: 'args.headers.c', message: 'must be string' },
          { path: 'args.timeoutMs', message: 'must be >= 100' },
        ]),
      );
    });
  });

  describe('text.render', () => {
    it.each<[string, JsonObject]>([
      ['a template only', factory.renderArgs()],
      ['a template with Mustache sections and data', factory.renderArgs({ template: '{{#items}}- {{title}}\n{{/items}}', data: { items: [] } })],
      ['an empty template', factory.renderArgs({ template: '' })],
      ['data of any type', factory.renderArgs({ data: [1, 'a', null] })],
    ])('accepts %s', (_case, args) => {
      expect(sut('text.render', args)).toEqual([]);
    });

    it.each<[string, JsonObject, ValidationProblem[]]>([
      ['a missing template', {}, [{ path: 'args.template', message: 'is required' }]],
      ['a template that is not a string', factory.renderArgs({ template: { text: 'x' } }), [{ path: 'args.template', message: 'must be string' }]],
      ['a template that is too long', factory.renderArgs({ template: 'x'.repeat(100_001) }), [
        { path: 'args.template', message: 'must NOT have more than 100000 characters' },
      ]],
      ['an http argument', factory.renderArgs({ url: 'https://example.com' }), [{ path: 'args.url', message: 'is not an argument of this tool' }]],
    ])('refuses %s', (_case, args, problems) => {
      expect(sut('text.render', args)).toEqual(problems);
    });
  });

  it.each([
    ['null', null],
    ['a list', [factory.httpArgs()]],
    ['a string', 'GET https://example.com'],
  ])('refuses args that are %s', (_case, args) => {
    expect(sut('http.request', args)).toEqual([{ path: 'args', message: 'must be object' }]);
  });
});

describe(checkDefinitionArgs.name, () => {
  const sut = checkDefinitionArgs;
  const at = 'microAgents[0].steps[1].args';

  it.each<[string, JsonObject]>([
    ['plain values', factory.httpArgs({ timeoutMs: 1000 })],
    ['a whole template for method', factory.httpArgs({ method: '{{input.method}}' })],
    ['a whole template with spaces for method', factory.httpArgs({ method: '{{ agents.a.output.method }}' })],
    ['a whole template for url', factory.httpArgs({ url: '{{steps.s.output.next}}' })],
    ['a partial template in url', factory.httpArgs({ url: 'https://example.com/{{input.path}}' })],
    ['a whole template for headers', factory.httpArgs({ headers: '{{input.headers}}' })],
    ['a whole template in a header', factory.httpArgs({ headers: { authorization: '{{input.token}}' } })],
    ['a whole template for timeoutMs', factory.httpArgs({ timeoutMs: '{{input.timeoutMs}}' })],
    ['a whole template for body', factory.httpArgs({ body: '{{agents.a.output}}' })],
  ])('accepts %s', (_case, args) => {
    expect(sut('http.request', args, at)).toEqual([]);
  });

  it.each<[string, JsonObject, ValidationProblem[]]>([
    ['a missing url', omit(factory.httpArgs(), 'url'), [{ path: `${at}.url`, message: 'is required' }]],
    ['an unknown argument', factory.httpArgs({ verb: 'GET' }), [{ path: `${at}.verb`, message: 'is not an argument of this tool' }]],
    ['an unknown method', factory.httpArgs({ method: 'FETCH' }), [{ path: `${at}.method`, message: METHODS }]],
    ['a partial template for method', factory.httpArgs({ method: 'G{{input.x}}' }), [{ path: `${at}.method`, message: METHODS }]],
    ['two templates for method', factory.httpArgs({ method: '{{input.a}}{{input.b}}' }), [{ path: `${at}.method`, message: METHODS }]],
    ['a Mustache variable for method', factory.httpArgs({ method: '{{method}}' }), [{ path: `${at}.method`, message: METHODS }]],
    ['a template with text after it for timeoutMs', factory.httpArgs({ timeoutMs: '{{input.t}} ms' }), [
      { path: `${at}.timeoutMs`, message: 'must be integer' },
    ]],
    ['a timeout out of range', factory.httpArgs({ timeoutMs: 1 }), [{ path: `${at}.timeoutMs`, message: 'must be >= 100' }]],
    ['a header value that is not a string', factory.httpArgs({ headers: { x: 1 } }), [{ path: `${at}.headers.x`, message: 'must be string' }]],
  ])('refuses %s at the given path', (_case, args, problems) => {
    expect(sut('http.request', args, at)).toEqual(problems);
  });

  it('accepts a whole template for the text.render template', () => {
    expect(sut('text.render', { template: '{{input.template}}', data: '{{agents.a.output}}' }, at)).toEqual([]);
  });
});
