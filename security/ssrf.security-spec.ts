import { TERMINAL_RUN_STATUSES } from '@flowmate/contracts';
import { startHttpFixture, type HttpFixture } from '../test/fakes/http-fixture';
import { signIn, type Session } from '../test/support/auth';
import { refuseNonLoopbackSockets } from '../test/support/loopback-only-network';
import { pollUntil } from '../test/support/poll';
import { startStack, type Stack } from '../test/support/stack';

/**
 * The http.request tool against private, loopback and metadata addresses, through the real API, worker and
 * Temporal. Every socket of this process may reach loopback only, so a broken guard fails here instead of
 * reaching out.
 */
describe('SSRF through http.request', () => {
  let restoreNetwork: () => void;
  let stack: Stack;
  let allowed: HttpFixture;
  let elsewhere: HttpFixture;
  let internal: HttpFixture;
  let ada: Session;

  beforeAll(async () => {
    restoreNetwork = refuseNonLoopbackSockets();
    internal = await startHttpFixture({ 'GET /admin': { body: { secret: 'internal' } } });
    elsewhere = await startHttpFixture({ 'GET /landing': { body: { landed: true } } });
    allowed = await startHttpFixture({
      'GET /to-internal': () => ({ status: 302, headers: { location: `${internal.url}/admin` } }),
      'GET /to-elsewhere': () => ({ status: 302, headers: { location: `${elsewhere.url}/landing` } }),
    });
    // Two loopback servers are allowed as if public; the internal one is not.
    stack = await startStack({ worker: true, env: { HTTP_TOOL_ALLOWED_HOSTS: `${allowed.hostPort},${elsewhere.hostPort}` } });
    ada = await signIn(stack, 'ada@example.com');
  });
  afterAll(async () => {
    await stack?.stop();
    await Promise.all([allowed, elsewhere, internal].map((fixture) => fixture?.close()));
    restoreNetwork();
  });

  async function runFetching(url: string, headers: Record<string, string> = {}) {
    const agent = await stack.http
      .post('/api/v1/agents')
      .set('Authorization', ada.bearer)
      .send({ name: 'fetch', microAgents: [{ key: 'fetch', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url, headers } }] }] })
      .expect(201);
    const { runId } = (await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({}).expect(202)).body;
    return pollUntil(async () => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer)).body, (run) => TERMINAL_RUN_STATUSES.includes(run.status), 60_000);
  }

  const port = () => internal.port;
  it.each([
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['a private network address', () => 'http://10.0.0.1/'],
    ['loopback', () => `http://127.0.0.1:${port()}/admin`],
    ['localhost, a name resolving to loopback', () => `http://localhost:${port()}/admin`],
    ['IPv6 loopback', () => `http://[::1]:${port()}/admin`],
    ['loopback in hex', () => `http://0x7f000001:${port()}/admin`],
    ['loopback as one decimal number', () => `http://2130706433:${port()}/admin`],
    ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${port()}/admin`],
    ['an allowed host redirecting to an internal one', () => `${allowed.url}/to-internal`],
  ])('refuses %s, without naming a resolved address, and nothing internal is reached', async (_, url) => {
    const run = await runFetching(url());

    expect(run.status).toBe('failed');
    expect(run.error.type).toBe('AddressNotAllowed');
    expect(run.error.message).not.toMatch(/resolves to (127|10|169|::)/);
    expect(internal.requests).toEqual([]);
  });

  it('drops credentials when an allowed host redirects to another origin', async () => {
    await stack.http.put('/api/v1/secrets/partnerKey').set('Authorization', ada.bearer).send({ value: 'partner-key-1' }).expect(200);
    const run = await runFetching(`${allowed.url}/to-elsewhere`, { 'x-api-key': '{{secrets.partnerKey}}', Accept: 'application/json' });

    expect(run.status).toBe('succeeded');
    expect(allowed.requests.at(-1)?.headers['x-api-key']).toBe('partner-key-1');
    expect(elsewhere.requests).toHaveLength(1);
    expect(elsewhere.requests[0].headers['x-api-key']).toBeUndefined();
    expect(elsewhere.requests[0].headers.accept).toBe('application/json');
  });
});
