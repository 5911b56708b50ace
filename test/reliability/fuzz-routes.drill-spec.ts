import { TERMINAL_RUN_STATUSES } from '@flowmate/contracts';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { signIn, type Session } from '../support/auth';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { startOwnTemporal, type OutageServer } from './support/outage-servers';
import { drillSize } from './drill-scale';
import { operationsOf, pathParamValue, percentEncoded, schemaValue, type FuzzOperation, type OpenApiDocument } from './support/fuzz-openapi';
import { validDefinition } from './support/fuzz-definitions';
import { hostileJsonText, oddUnicodeString } from './support/fuzz-values';

const REQUEST_TIMEOUT_MS = 10_000;
const RUNS_PER_ROUTE = drillSize(30, 300);
const WEBHOOK_SECRET = 'fuzz-webhook-secret-0123456789';
const ERROR_KEYS = ['statusCode', 'error', 'message', 'details', 'correlationId'];

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** One request with a deadline; a hung request is a failure like a 500. */
async function send(request: FuzzRequest): Promise<Answer> {
  const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, redirect: 'manual', signal });
    const contentType = response.headers.get('content-type') ?? '';
    // An event stream of a live run stays open by design: its headers are the answer.
    if (contentType.startsWith('text/event-stream')) {
      await response.body?.cancel();
      return { status: response.status, contentType, text: '' };
    }
    return { status: response.status, contentType, text: await response.text() };
  } catch (error) {
    if (signal.aborted) throw new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms: ${request.method} ${request.url.slice(0, 300)}`);
    throw error;
  }
}

function problemWith(answer: Answer): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}: ${answer.text.slice(0, 500)}`;
  if (answer.status < 200 || (answer.status >= 300 && answer.status < 400)) return `answered ${answer.status}`;
  if (answer.status < 400) return undefined;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    return `answered ${answer.status} with a body that is no JSON: ${answer.text.slice(0, 200)}`;
  }
  const shaped =
    body.statusCode === answer.status &&
    typeof body.error === 'string' &&
    typeof body.message === 'string' &&
    typeof body.correlationId === 'string' &&
    body.correlationId.length > 0 &&
    Object.keys(body).every((key) => ERROR_KEYS.includes(key)) &&
    (body.details === undefined ||
      (Array.isArray(body.details) && body.details.every((detail: { path?: unknown; message?: unknown }) => typeof detail.path === 'string' && typeof detail.message === 'string')));
  return shaped ? undefined : `answered ${answer.status} without the error shape: ${answer.text.slice(0, 300)}`;
}

/** Query values as text, from the parameter's schema (bounds stepped over now and then) or plain junk. */
const asQueryText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

/**
 * Every documented route, with generated path parameters, query strings, headers and bodies, signed in
 * (mostly) or not: each answer is 2xx or 4xx with the error shape, never 5xx, never a hang.
 */
describe('fuzzing every route of the OpenAPI document', () => {
  let stack: Stack;
  let ada: Session;
  let operations: FuzzOperation[];
  let document: OpenApiDocument;
  /** Values of path parameters, by name, that name things that exist, so requests get past the lookups. */
  let known: Record<string, string[]>;

  let temporal: OutageServer;

  beforeAll(async () => {
    // A Temporal of its own: a thousand fuzzed requests must not slow the suite's shared server for the other tests.
    temporal = await startOwnTemporal();
    // Configured, so the webhook and OAuth routes reach their real checks instead of answering 503.
    stack = await startStack({
      worker: true,
      env: {
        TEMPORAL_ADDRESS: temporal.address,
        GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
        GITHUB_CLIENT_ID: 'fuzz-client',
        GITHUB_CLIENT_SECRET: 'fuzz-client-secret',
        GITHUB_REDIRECT_URI: 'http://127.0.0.1:1/oauth/github/callback',
      },
    });
    ada = await signIn(stack, 'ada@example.com');
    const agentId = (await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(factory.agent()).expect(201)).body.id as string;
    const runId = (await stack.http.post(`/api/v1/agents/${agentId}/run`).set('Authorization', ada.bearer).send({ input: {} }).expect(202)).body.runId as string;
    await pollUntil(
      async () => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body.status,
      (status) => TERMINAL_RUN_STATUSES.includes(status),
    );
    document = (await stack.http.get('/docs-json').expect(200)).body as OpenApiDocument;
    operations = operationsOf(document);
    await stack.http.put('/api/v1/secrets/token1').set('Authorization', ada.bearer).send({ value: 'v' }).expect(200);
    known = { id: [agentId, runId], version: ['1', '2'], stepKey: ['only', 'only%2Frender'], provider: ['github', 'slack', 'google'], name: ['token1', 'token2'], approvalId: [] };
  });
  afterAll(async () => {
    await stack?.stop();
    await temporal?.destroy();
  });

  const requestOf = (operation: FuzzOperation): fc.Arbitrary<FuzzRequest> => {
    const pathValues = fc.tuple(...operation.pathParams.map((parameter) => pathParamValue(known[parameter.name] ?? [])));
    const query = fc.oneof(
      { arbitrary: fc.tuple(...operation.queryParams.map((parameter) => fc.option(schemaValue(document, parameter.schema), { nil: undefined }))), weight: 4 },
      { arbitrary: fc.constant([] as unknown[]), weight: 1 },
    );
    const extraQuery = fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 5 },
      { arbitrary: fc.tuple(fc.constantFrom('limit', 'cursor', 'status', 'agentId', '__proto__', 'x'), oddUnicodeString()), weight: 1 },
    );
    const bodies: Array<fc.WeightedArbitrary<string>> = [{ arbitrary: hostileJsonText(), weight: 2 }];
    if (operation.bodySchema) bodies.push({ arbitrary: schemaValue(document, operation.bodySchema).map((value) => JSON.stringify(value) ?? 'null'), weight: 6 });
    // The generic schema rarely makes a valid graph of micro agents: definitions of the agent fuzzer do.
    if (operation.bodySchema?.$ref?.endsWith('/AgentDefinitionDto')) bodies.push({ arbitrary: validDefinition().map((definition) => JSON.stringify(definition)), weight: 3 });
    const body = operation.bodySchema ? fc.oneof(...bodies) : fc.option(hostileJsonText(), { nil: undefined, freq: 2 });
    const auth = fc.oneof(
      { arbitrary: fc.constant(ada.bearer), weight: 12 },
      { arbitrary: fc.constant(undefined), weight: 1 },
      { arbitrary: fc.constantFrom('Bearer ', 'Bearer x.y.z', `Bearer ${ada.refreshToken}`, 'Basic Zm9vOmJhcg==', `Bearer fm_${'A'.repeat(40)}`, ada.accessToken), weight: 1 },
    );
    const headerValues = fc.tuple(...operation.headerParams.map(() => fc.option(fc.string({ unit: 'grapheme-ascii', maxLength: 300 }), { nil: undefined })));
    const webhook = fc.record({ signed: fc.boolean(), event: fc.constantFrom('pull_request', 'issues', 'push', 'ping', 'pull_request.opened', '', '__proto__'), delivery: fc.oneof(fc.uuid(), oddUnicodeString()) });
    const contentType = fc.oneof(
      { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8'), weight: 8 },
      { arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data; boundary=x'), weight: 1 },
    );

    return fc.record({ pathValues, query, extraQuery, body, auth, headerValues, contentType, webhook }).map(({ pathValues: values, query: queryValues, extraQuery: extra, body: text, auth: bearer, headerValues: headers, contentType: type, webhook: delivery }) => {
      let path = operation.path;
      operation.pathParams.forEach((parameter, index) => (path = path.replace(`{${parameter.name}}`, values[index])));
      const search = new URLSearchParams();
      queryValues.forEach((value, index) => value !== undefined && search.append(operation.queryParams[index].name, asQueryText(value)));
      if (extra) search.append(extra[0], extra[1]);
      const requestHeaders: Record<string, string> = {};
      if (bearer) requestHeaders.authorization = bearer;
      operation.headerParams.forEach((parameter, index) => headers[index] !== undefined && (requestHeaders[parameter.name] = headers[index] as string));
      if (text !== undefined) requestHeaders['content-type'] = type;
      // Signed deliveries get past the signature check to the payload handling.
      if (operation.path.endsWith('/webhooks/github') && delivery.signed) {
        requestHeaders['x-hub-signature-256'] = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(text ?? '').digest('hex')}`;
        requestHeaders['x-github-event'] = delivery.event;
        requestHeaders['x-github-delivery'] = percentEncoded(delivery.delivery);
      }
      const queryText = search.toString();
      return {
        method: operation.method,
        url: `${stack.baseUrl}${path}${queryText ? `?${queryText}` : ''}`,
        headers: requestHeaders,
        ...(text !== undefined && operation.method !== 'GET' ? { body: text } : {}),
      };
    });
  };

  it('documents the routes it fuzzes', () => {
    // The whole API, not a handful: agents, runs, schedules, auth, integrations, codec, health.
    expect(operations.length).toBeGreaterThanOrEqual(50);
    expect(operations.map((operation) => operation.name)).toEqual(expect.arrayContaining(['POST /api/v1/agents', 'GET /api/v1/runs/{id}', 'PUT /api/v1/agents/{id}/schedule']));
  });

  it('answers every generated request to every route with 2xx or 4xx and the error shape, in time', async () => {
    const failures: string[] = [];
    const seen: Record<string, Record<number, number>> = {};
    for (const operation of operations) {
      const statuses: Record<number, number> = (seen[operation.name] = {});
      const result = await fc.check(
        fc.asyncProperty(requestOf(operation), async (request) => {
          const answer = await send(request);
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          const problem = problemWith(answer);
          if (problem) throw new Error(`${request.method} ${request.url.slice(0, 300)} ${JSON.stringify(request.headers).slice(0, 200)} body ${String(request.body).slice(0, 300)}: ${problem}`);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
      if (result.failed) failures.push(`${operation.name} (seed ${result.seed}, path "${result.counterexamplePath}"): ${String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance)}`);
    }
    expect(failures).toEqual([]);
    // The generated requests get past auth and validation to the handlers, not only bounce off the first check.
    const answeredOk = Object.keys(seen).filter((name) => Object.keys(seen[name]).some((status) => status.startsWith('2')));
    expect(answeredOk.length).toBeGreaterThanOrEqual(operations.length / 3);
  }, drillSize(240_000, 1_800_000));

  it('answers requests to routes that do not exist with 404 and the error shape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('get', 'post', 'put', 'delete', 'patch'), fc.array(pathParamValue([]), { minLength: 1, maxLength: 4 }), async (method, segments) => {
        const answer = await send({ method: method.toUpperCase(), url: `${stack.baseUrl}/api/v1/zz-${segments.join('/')}`, headers: { authorization: ada.bearer } });
        expect(problemWith(answer)).toBeUndefined();
        expect([400, 404]).toContain(answer.status);
      }),
      { numRuns: drillSize(30, 300) },
    );
  });
});
