import { JwtService, type JwtSignOptions } from '@nestjs/jwt';
import { signIn, type Session } from '../test/support/auth';
import { startStack, type Stack } from '../test/support/stack';

/** Forged, altered and misused tokens against the running API: each is a 401 and reveals nothing. */
describe('forged and misused tokens', () => {
  let stack: Stack;
  let session: Session;

  beforeAll(async () => {
    stack = await startStack();
    session = await signIn(stack, 'claims@example.com');
  });
  afterAll(() => stack.stop());

  const me = (token: string) => stack.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
  const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  function signer() {
    const { keys, issuer, audience } = stack.config.api.jwt;
    const keyid = keys.currentKeyId;
    const claims = { sub: session.user.id, email: session.user.email };
    return {
      claims,
      issuer,
      audience,
      sign: (options: JwtSignOptions = {}, payload: object = claims) => new JwtService().sign(payload, { secret: keys.keys[keyid], keyid, issuer, audience, expiresIn: 60, ...options }),
    };
  }

  it('accepts the genuine article, so each refusal below is about its one change', async () => {
    await me(signer().sign()).expect(200);
  });

  it.each<[string, () => string]>([
    ['alg "none"', () => {
      const { claims, issuer, audience } = signer();
      return `${base64url({ alg: 'none', typ: 'JWT', kid: stack.config.api.jwt.keys.currentKeyId })}.${base64url({ ...claims, iss: issuer, aud: audience, exp: Math.floor(Date.now() / 1000) + 60 })}.`;
    }],
    ['HS256 signed with another secret', () => signer().sign({ secret: 'another-secret-of-at-least-32-characters' })],
    ['HS512 with the right secret', () => signer().sign({ algorithm: 'HS512' })],
    ['expired', () => signer().sign({ expiresIn: -10 })],
    ['another issuer', () => signer().sign({ issuer: 'someone-else' })],
    ['another audience', () => signer().sign({ audience: 'someone-else' })],
    ['an unknown kid', () => signer().sign({ keyid: 'unknown' })],
    ['no kid', () => new JwtService().sign(signer().claims, { secret: stack.config.api.jwt.keys.keys[stack.config.api.jwt.keys.currentKeyId], issuer: signer().issuer, audience: signer().audience, expiresIn: 60 })],
    ['a tampered payload (another subject)', () => {
      const [header, , signature] = signer().sign().split('.');
      return `${header}.${base64url({ ...signer().claims, sub: '00000000-0000-4000-8000-000000000000', iss: signer().issuer, aud: signer().audience, exp: Math.floor(Date.now() / 1000) + 60 })}.${signature}`;
    }],
    ['a refresh token', () => session.refreshToken],
    ['a magic-link token', () => 'x'.repeat(43)],
    ['an API key that does not exist', () => `fm_${'A'.repeat(43)}`],
  ])('refuses %s with 401 and a body that says nothing more', async (_, token) => {
    const refused = await me(token()).expect(401);
    expect(refused.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String), correlationId: expect.any(String) });
    expect(JSON.stringify(refused.body)).not.toMatch(/stack|at \/|node_modules|jsonwebtoken|invalid signature|jwt /i);
  });

  it('does not take an access token as a refresh token', async () => {
    // Not even the shape of one: refused before any lookup.
    await stack.http.post('/api/v1/auth/refresh').send({ refreshToken: session.accessToken }).expect(400);
  });

  it('does not take a token from the query string anywhere but the events stream', async () => {
    await stack.http.get(`/api/v1/auth/me?access_token=${session.accessToken}`).expect(401);
  });

  describe('magic links', () => {
    const requestLink = (email: string) => stack.http.post('/api/v1/auth').send({ email }).expect(202);
    const verify = (token: string) => stack.http.post('/api/v1/auth/verify').send({ token });

    it('answers a known and an unknown address alike', async () => {
      const known = await requestLink(session.user.email);
      const unknown = await requestLink('nobody-yet@example.com');
      expect(Object.keys(unknown.body)).toEqual(Object.keys(known.body));
      expect(unknown.body.message).toBe(known.body.message);
    });

    it('works once, and not after it expires', async () => {
      const used = (await requestLink('once@example.com')).body.magicLinkToken;
      await verify(used).expect(200);
      await verify(used).expect(401);

      const late = (await requestLink('late@example.com')).body.magicLinkToken;
      await stack.db.query(`UPDATE magic_links SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = 'late@example.com')`);
      const refused = await verify(late).expect(401);
      expect(refused.body.message).toBe((await verify('x'.repeat(43)).expect(401)).body.message);
    });
  });
});
