import type { Stack } from './stack';

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; tier: string };
  /** `Authorization` header value. */
  bearer: string;
}

/** Signs in through the real magic-link flow (token handed back in development mode). */
export async function signIn(stack: Stack, email: string): Promise<Session> {
  const requested = await stack.http.post('/api/v1/auth').send({ email }).expect(202);
  const verified = await stack.http.post('/api/v1/auth/verify').send({ token: requested.body.magicLinkToken }).expect(200);
  return { ...verified.body, bearer: `Bearer ${verified.body.accessToken}` };
}
