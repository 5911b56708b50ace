import { startStack, type Stack } from '../support/stack';

/** CORS from the ALLOWED_ORIGINS allow-list, through the real API. */
describe('CORS (e2e)', () => {
  let stack: Stack;
  let closed: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { ALLOWED_ORIGINS: 'https://app.example.com' } });
    closed = await startStack();
  });
  afterAll(async () => {
    await stack.stop();
    await closed.stop();
  });

  const preflight = (on: Stack, origin: string) =>
    on.http.options('/api/v1/agents').set('Origin', origin).set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'authorization,content-type');

  it('answers an allowed origin, with credentials and the correlation id exposed', async () => {
    const allowed = await preflight(stack, 'https://app.example.com').expect(204);
    expect(allowed.headers).toMatchObject({ 'access-control-allow-origin': 'https://app.example.com', 'access-control-allow-credentials': 'true' });
    const read = await stack.http.get('/health/live').set('Origin', 'https://app.example.com').expect(200);
    expect(read.headers['access-control-expose-headers']).toBe('X-Correlation-ID');
  });

  it('gives any other origin no CORS header, and without ALLOWED_ORIGINS nobody gets one', async () => {
    const other = await preflight(stack, 'https://evil.example.com');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const none = await preflight(closed, 'https://app.example.com');
    expect(none.headers['access-control-allow-origin']).toBeUndefined();
  });
});
