import { fail } from 'k6';
import { ROUTES, send } from './api.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The bearer token the test runs as: `API_KEY`, or else a personal API key made for this run after signing
 * in as `EMAIL` by magic link (the token comes back in the answer under `npm start`). A key, because an
 * access token lasts 15 minutes, less than a soak; it expires a day later.
 */
export function bearerToken() {
  if (__ENV.API_KEY) return __ENV.API_KEY;
  const email = __ENV.EMAIL || 'load@flowmate.test';
  const link = send(ROUTES.requestMagicLink, { body: { email } });
  if (link.status !== 202) fail(`POST /auth answered ${link.status}: ${link.body}`);
  const magicLinkToken = link.json('magicLinkToken');
  if (!magicLinkToken) fail('POST /auth handed back no sign-in token, which it does only with AUTH_MAGIC_LINK_DELIVERY=response (npm start); set API_KEY instead');
  const session = send(ROUTES.verifyMagicLink, { body: { token: magicLinkToken } });
  if (session.status !== 200) fail(`POST /auth/verify answered ${session.status}: ${session.body}`);
  const { accessToken, user } = session.json();
  // Any other tier meets its per-user limit and daily run quota, and the test would measure those.
  if (user.tier !== 'unlimited') {
    fail(`${email} has tier ${user.tier}; load tests need unlimited: psql "$DATABASE_URL" -c "UPDATE users SET tier = 'unlimited' WHERE email = '${email}'"`);
  }
  const expiresAt = new Date(Date.now() + DAY_MS).toISOString();
  const key = send(ROUTES.createApiKey, { token: accessToken, body: { name: 'k6 load test', expiresAt } });
  if (key.status !== 201) fail(`POST /api-keys answered ${key.status}: ${key.body}`);
  return key.json('key');
}
