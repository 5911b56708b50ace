import type { Session } from '../support/auth';
import { factory } from '../support/factory';
import { startStack, type Stack } from '../support/stack';

/**
 * Rate limits through the real API with its counters in Postgres. The API trusts the loopback proxy, so
 * each test speaks from client addresses of its own through X-Forwarded-For.
 */
describe('Rate limits (e2e)', () => {
  const limits = { ip: 40, authIp: 6, authEmail: 3 };
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      env: {
        RATE_LIMITS_ENABLED: 'true',
        RATE_LIMIT_IP_PER_MINUTE: String(limits.ip),
        RATE_LIMIT_AUTH_IP_PER_MINUTE: String(limits.authIp),
        RATE_LIMIT_AUTH_EMAIL_PER_HOUR: String(limits.authEmail),
        TRUST_PROXY: 'loopback',
      },
    });
  });
  afterAll(() => stack.stop());

  let nextAddress = 1;
  const newClientAddress = () => `198.51.100.${nextAddress++}`;
  const requestLink = (from: string, email: string) => stack.http.post('/api/v1/auth').set('X-Forwarded-For', from).send({ email });

  function expectRefused(answer: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, limit: number, windowSeconds: number) {
    expect(answer.status).toBe(429);
    expect(answer.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', correlationId: expect.any(String) });
    const retryAfter = Number(answer.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
    expect(answer.headers).toMatchObject({
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(retryAfter),
      'ratelimit-policy': `${limit};w=${windowSeconds}`,
    });
  }

  it('limits sign-in links per e-mail address, whichever address asks', async () => {
    for (let attempt = 0; attempt < limits.authEmail; attempt++) await requestLink(newClientAddress(), 'target@example.com').expect(202);
    expectRefused(await requestLink(newClientAddress(), 'Target@Example.com '), limits.authEmail, 3_600);
    await requestLink(newClientAddress(), 'someone-else@example.com').expect(202);
  });

  it('limits the sign-in routes per client address, harder than the rest of the API', async () => {
    const from = newClientAddress();
    for (let attempt = 0; attempt < limits.authIp; attempt++) await requestLink(from, `guess-${attempt}@example.com`).expect(202);
    expectRefused(await stack.http.post('/api/v1/auth/verify').set('X-Forwarded-For', from).send({ token: 'x'.repeat(43) }), limits.authIp, 60);
    await stack.http.get('/health/live').set('X-Forwarded-For', from).expect(200);
  });

  it('counts every request of a client address before authentication, so bad tokens count too', async () => {
    const from = newClientAddress();
    for (let attempt = 0; attempt < limits.ip; attempt++) {
      const answer = await stack.http.get('/api/v1/agents').set('X-Forwarded-For', from).set('Authorization', 'Bearer forged').expect(401);
      expect(answer.headers['ratelimit-remaining']).toBe(String(limits.ip - attempt - 1));
    }
    expectRefused(await stack.http.get('/api/v1/agents').set('X-Forwarded-For', from).set('Authorization', 'Bearer forged'), limits.ip, 60);
    await stack.http.get('/api/v1/agents').set('X-Forwarded-For', newClientAddress()).set('Authorization', 'Bearer forged').expect(401);
  });

  describe('per user', () => {
    let free: Session;
    let unlimited: Session;

    beforeAll(async () => {
      free = await signInFrom(newClientAddress(), 'free@example.com');
      unlimited = await signInFrom(newClientAddress(), 'load-test@example.com');
      await stack.db.query(`UPDATE users SET tier = 'unlimited' WHERE id = $1`, [unlimited.user.id]);
    });

    async function signInFrom(address: string, email: string): Promise<Session> {
      const requested = await requestLink(address, email).expect(202);
      const verified = await stack.http.post('/api/v1/auth/verify').set('X-Forwarded-For', address).send({ token: requested.body.magicLinkToken }).expect(200);
      return { ...verified.body, bearer: `Bearer ${verified.body.accessToken}` };
    }

    /** Each request from an address of its own, so only the per-user limit can bind. */
    const asUser = (session: Session) => ({
      get: (path: string) => stack.http.get(`/api/v1${path}`).set('X-Forwarded-For', newClientAddress()).set('Authorization', session.bearer),
      post: (path: string, body: object = {}) => stack.http.post(`/api/v1${path}`).set('X-Forwarded-For', newClientAddress()).set('Authorization', session.bearer).send(body),
    });

    it('limits a free user to 300 requests a minute, and an unlimited one not at all', async () => {
      for (let batch = 0; batch < 6; batch++) {
        const answers = await Promise.all(Array.from({ length: 50 }, () => asUser(free).get('/agents')));
        expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
      }
      expectRefused(await asUser(free).get('/agents'), 300, 60);

      for (let batch = 0; batch < 7; batch++) {
        const answers = await Promise.all(Array.from({ length: 50 }, () => asUser(unlimited).get('/agents')));
        expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
      }
    });

    it('holds a user to the daily run-start quota of their tier, and does not count a start that failed', async () => {
      const starter = await signInFrom(newClientAddress(), 'quota@example.com');
      const agent = await asUser(starter).post('/agents', factory.agent()).expect(201);
      await stack.db.query(`INSERT INTO rate_limits (key, points, expire) VALUES ($1, 199, $2)`, [`run-starts-free:${starter.user.id}`, Date.now() + 3_600_000]);

      await asUser(starter).post('/agents/00000000-0000-4000-8000-000000000000/run', { input: {} }).expect(404);
      const started = await asUser(starter).post(`/agents/${agent.body.id}/run`, { input: {} }).expect(202);
      expect(started.headers['ratelimit-remaining']).toBe('0');
      const refused = await asUser(starter).post(`/agents/${agent.body.id}/run`, { input: {} });
      expectRefused(refused, 200, 86_400);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3_600);
      await asUser(starter).get(`/runs?agentId=${agent.body.id}`).expect(200);
    });
  });
});
