import type { DestinationStream } from 'pino';
import { signIn } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

interface LogLine {
  correlationId?: string;
  route?: string;
  userId?: string;
  responseTime?: number;
  req?: { method: string };
  res?: { statusCode: number };
}

/** Every response, an error raised before routing included, names one correlation id: header, body and log line. */
describe('correlation ids (e2e)', () => {
  const logLines: LogLine[] = [];
  const logDestination: DestinationStream = { write: (line: string) => void logLines.push(JSON.parse(line) as LogLine) };
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { LOG_LEVEL: 'info' }, logDestination });
  });

  afterAll(() => stack.stop());

  const json = 'application/json';
  const cases = [
    { what: 'malformed JSON', status: 400, send: () => stack.http.post('/api/v1/agents').set('Content-Type', json).send('{bad') },
    { what: 'a U+0000 in the body', status: 400, send: () => stack.http.post('/api/v1/auth').set('Content-Type', json).send('{"email":"a\\u0000b@x.io"}') },
    { what: 'a body over 1 MiB', status: 413, send: () => stack.http.post('/api/v1/auth').send({ email: 'x'.repeat(1_100_000) }) },
    { what: 'an unknown route', status: 404, send: () => stack.http.get('/api/v1/no-such-route') },
    { what: 'a missing token', status: 401, send: () => stack.http.get('/api/v1/agents') },
    { what: 'an invalid body', status: 400, send: () => stack.http.post('/api/v1/auth').send({ email: 'nope' }) },
  ];

  it.each(cases)('$what ($status): body, header and log line carry the same id', async ({ status, send }) => {
    const response = await send().expect(status);
    const id = response.headers['x-correlation-id'] as string;

    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body).toMatchObject({ statusCode: status, correlationId: id });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const logged = await pollUntil(async () => logLines.find((line) => line.correlationId === id && line.res !== undefined), Boolean, 5_000);
    expect(logged?.res?.statusCode).toBe(status);
  });

  it('logs one line per request with method, route template, status, duration, correlation id and user', async () => {
    const ada = await signIn(stack, 'ada@example.com');
    const response = await stack.http.get('/api/v1/agents/00000000-0000-4000-8000-000000000001').set('Authorization', ada.bearer).expect(404);
    const id = response.headers['x-correlation-id'] as string;

    const logged = await pollUntil(async () => logLines.filter((line) => line.correlationId === id && line.res !== undefined), (lines) => lines.length > 0, 5_000);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ req: { method: 'GET' }, route: '/api/v1/agents/:id', res: { statusCode: 404 }, userId: ada.user.id, responseTime: expect.any(Number) });
  });

  it('uses the caller\'s id in the error body of a request refused before routing', async () => {
    const response = await stack.http.post('/api/v1/agents').set('Content-Type', json).set('X-Correlation-ID', 'trace-42').send('{bad').expect(400);

    expect(response.headers['x-correlation-id']).toBe('trace-42');
    expect(response.body.correlationId).toBe('trace-42');
  });
});
