import { signIn } from '../support/auth';
import { startStack, type Stack } from '../support/stack';

describe('auth (e2e)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  it('signs in with a magic link and answers /auth/me', async () => {
    const session = await signIn(stack, 'Ada@Example.com');

    expect(session.user).toMatchObject({ email: 'ada@example.com', tier: 'free' });
    const me = await stack.http.get('/api/v1/auth/me').set('Authorization', session.bearer).expect(200);
    expect(me.body).toEqual(session.user);
  });

  it('refuses every other route without a valid token', async () => {
    await stack.http.get('/api/v1/agents').expect(401);
    await stack.http.get('/api/v1/agents').set('Authorization', 'Bearer not-a-jwt').expect(401);
  });

  it('names its signing key in each token, so a rotated key keeps verifying until it is removed', async () => {
    const session = await signIn(stack, 'rotation@example.com');
    const { currentKeyId: oldKid, keys } = stack.config.api.jwt.keys;
    expect(JSON.parse(Buffer.from(session.accessToken.split('.')[0], 'base64url').toString())).toMatchObject({ alg: 'HS256', kid: oldKid });
    const me = (on: Stack, token: string) => on.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
    const newSecret = 'n'.repeat(40);

    const rotated = await startStack({ shareDatabaseWith: stack, env: { JWT_KEYS: `${oldKid}:${keys[oldKid]},next:${newSecret}`, JWT_CURRENT_KEY_ID: 'next' } });
    const retired = await startStack({ shareDatabaseWith: stack, env: { JWT_KEYS: `next:${newSecret}`, JWT_CURRENT_KEY_ID: 'next' } });
    try {
      await me(rotated, session.accessToken).expect(200);
      const signedByNext = await signIn(rotated, 'rotation@example.com');
      expect(JSON.parse(Buffer.from(signedByNext.accessToken.split('.')[0], 'base64url').toString())).toMatchObject({ kid: 'next' });
      await me(retired, signedByNext.accessToken).expect(200);
      await me(retired, session.accessToken).expect(401);
    } finally {
      await Promise.all([rotated.stop(), retired.stop()]);
    }
  });

  it('uses a magic link once only', async () => {
    const { body } = await stack.http.post('/api/v1/auth').send({ email: 'once@example.com' }).expect(202);
    await stack.http.post('/api/v1/auth/verify').send({ token: body.magicLinkToken }).expect(200);

    const again = await stack.http.post('/api/v1/auth/verify').send({ token: body.magicLinkToken }).expect(401);
    expect(again.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', correlationId: expect.any(String) });
  });

  it('stores magic links and refresh tokens only as hashes', async () => {
    const { body } = await stack.http.post('/api/v1/auth').send({ email: 'hash@example.com' }).expect(202);
    const session = await signIn(stack, 'hash2@example.com');

    const rows: Array<{ token_hash: string }> = await stack.db.query(
      `SELECT token_hash FROM magic_links UNION ALL SELECT token_hash FROM refresh_tokens`,
    );
    const stored = rows.map((row) => row.token_hash);
    expect(stored.length).toBeGreaterThanOrEqual(3);
    expect(stored).not.toContain(body.magicLinkToken);
    expect(stored).not.toContain(session.refreshToken);
  });

  it('rotates refresh tokens and revokes the family when a spent one comes back', async () => {
    const session = await signIn(stack, 'rotate@example.com');

    const rotated = await stack.http.post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(200);
    expect(rotated.body.refreshToken).not.toBe(session.refreshToken);
    await stack.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${rotated.body.accessToken}`).expect(200);

    await stack.http.post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
    await stack.http.post('/api/v1/auth/refresh').send({ refreshToken: rotated.body.refreshToken }).expect(401);
  });

  it('lets exactly one of two concurrent refreshes with one token win, and the loser, a reuse, revokes the winner’s new token', async () => {
    for (let round = 0; round < 5; round++) {
      const session = await signIn(stack, `race-${round}@example.com`);
      const refresh = (refreshToken: string) => stack.http.post('/api/v1/auth/refresh').send({ refreshToken });
      const answers = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
      const winner = answers.find((answer) => answer.status === 200)!;
      await refresh(winner.body.refreshToken).expect(401);
      expect(await activeRefreshTokensOf(session.user.id)).toBe(0);
    }
  });

  it('leaves no token of the family active when a spent token comes back while its successor is being rotated', async () => {
    for (let round = 0; round < 5; round++) {
      const session = await signIn(stack, `reuse-race-${round}@example.com`);
      const refresh = (refreshToken: string) => stack.http.post('/api/v1/auth/refresh').send({ refreshToken });
      const successor = (await refresh(session.refreshToken).expect(200)).body.refreshToken;
      const [rotation, reuse] = await Promise.all([refresh(successor), refresh(session.refreshToken)]);
      expect(reuse.status).toBe(401);
      if (rotation.status === 200) await refresh(rotation.body.refreshToken).expect(401);
      expect(await activeRefreshTokensOf(session.user.id)).toBe(0);
    }
  });

  async function activeRefreshTokensOf(userId: string): Promise<number> {
    const [{ count }] = await stack.db.query(`SELECT count(*)::int AS count FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
    return count;
  }

  it('does not log out someone else when given their refresh token', async () => {
    const victim = await signIn(stack, 'victim@example.com');
    const other = await signIn(stack, 'other@example.com');

    await stack.http.post('/api/v1/auth/logout').set('Authorization', other.bearer).send({ refreshToken: victim.refreshToken }).expect(204);

    await stack.http.post('/api/v1/auth/refresh').send({ refreshToken: victim.refreshToken }).expect(200);
  });

  it('logs out by revoking the refresh family', async () => {
    const session = await signIn(stack, 'logout@example.com');
    await stack.http.post('/api/v1/auth/logout').set('Authorization', session.bearer).send({ refreshToken: session.refreshToken }).expect(204);
    await stack.http.post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
  });

  it('lists every problem of a bad request body and never answers 500 to bad JSON', async () => {
    const bad = await stack.http.post('/api/v1/auth').send({ email: 'nope', extra: 1 }).expect(400);
    expect(bad.body.details).toEqual(
      expect.arrayContaining([
        { path: 'email', message: expect.stringContaining('email') },
        { path: 'extra', message: expect.stringContaining('should not exist') },
      ]),
    );
    const malformed = await stack.http.post('/api/v1/auth').set('Content-Type', 'application/json').send('{"email":').expect(400);
    expect(malformed.body).toMatchObject({ statusCode: 400, correlationId: expect.any(String) });
  });

  it('refuses a U+0000 anywhere in a JSON body with 400, since Postgres cannot store it', async () => {
    const response = await stack.http.post('/api/v1/auth').set('Content-Type', 'application/json').send('{"email":"a\\u0000b@example.com"}').expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('U+0000'), correlationId: expect.any(String) });
  });

  it('refuses bodies over 1 MiB with 413 in the error shape', async () => {
    const response = await stack.http.post('/api/v1/auth').send({ email: 'x'.repeat(1_100_000) }).expect(413);
    expect(response.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large', correlationId: expect.any(String) });
  });

  it('echoes a safe correlation id and makes one otherwise', async () => {
    const echoed = await stack.http.get('/health/live').set('X-Correlation-ID', 'trace-123').expect(200);
    expect(echoed.headers['x-correlation-id']).toBe('trace-123');
    const made = await stack.http.get('/health/live').set('X-Correlation-ID', 'bad id with spaces').expect(200);
    expect(made.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is ready when Postgres and Temporal answer', async () => {
    const ready = await stack.http.get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', checks: { postgres: true, temporal: true } });
  });
});

describe('auth without AUTH_MAGIC_LINK_DELIVERY (e2e)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { AUTH_MAGIC_LINK_DELIVERY: '' } });
  });
  afterAll(() => stack.stop());

  it('never hands the sign-in token to the caller', async () => {
    const response = await stack.http.post('/api/v1/auth').send({ email: 'ada@example.com' }).expect(202);

    expect(response.body).toEqual({ message: expect.any(String) });
  });
});
