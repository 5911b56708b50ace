import type { IntegrationProvider } from '@flowmate/contracts';
import { classifyError } from '../errors/classify-error';
import { HttpStatusError } from '../http/guarded-http-client';
import { gitHubClient, gitHubFailure } from './github/github.tools';
import { instagramAccount } from './instagram/instagram.tools';
import type { IntegrationEndpoints } from './integration-tool';
import { jsonOf, operatorHttpClient } from './operator-http-client';
import { providerFailure } from './provider-failure';
import { slackClient, slackFailure } from './slack/slack.tools';
import { xAccount } from './x/x.tools';

/** Who a token belongs to at its provider, as `GET /integrations` shows it. */
export interface ConnectedAccount {
  account: string;
  accountId: string;
}

const CHECK_TIMEOUT_MS = 10_000;

/**
 * Asks the provider who the token belongs to (GitHub `GET /user`, Google userinfo, Slack `auth.test`, X
 * `/2/users/me`, Instagram `/me`). A refused token throws the provider's non-retryable failure
 * (`GitHubUnauthorized`, …); an unreachable provider a retryable one.
 */
export async function checkConnection(endpoints: IntegrationEndpoints, provider: IntegrationProvider, accessToken: string): Promise<ConnectedAccount> {
  const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  try {
    return await accountOf(endpoints, provider, accessToken, signal);
  } catch (error) {
    throw classifyError(PROVIDER_FAILURES[provider](error));
  }
}

/** Each provider's errors as its tools classify them (X, Instagram and Google's userinfo classify their own). */
const PROVIDER_FAILURES: Record<IntegrationProvider, (error: unknown) => unknown> = {
  github: gitHubFailure,
  slack: slackFailure,
  google: (error) => error,
  x: (error) => error,
  instagram: (error) => error,
};

async function accountOf(endpoints: IntegrationEndpoints, provider: IntegrationProvider, accessToken: string, signal: AbortSignal): Promise<ConnectedAccount> {
  switch (provider) {
    case 'github': {
      const { data } = await gitHubClient(endpoints.github, { accessToken, signal }).rest.users.getAuthenticated();
      return { account: data.login, accountId: String(data.id) };
    }
    case 'google': {
      const me = await googleAccount(endpoints.google, accessToken, signal);
      return { account: me.email, accountId: me.sub };
    }
    case 'slack': {
      const answer = await slackClient(endpoints.slack, { accessToken, signal }).auth.test();
      return { account: `${answer.team ?? ''}/${answer.user ?? ''}`, accountId: `${answer.team_id ?? ''}/${answer.user_id ?? ''}` };
    }
    case 'x': {
      const me = await xAccount(operatorHttpClient(endpoints.x), endpoints.x, accessToken, signal);
      return { account: me.username, accountId: me.id };
    }
    case 'instagram': {
      const me = await instagramAccount(operatorHttpClient(endpoints.instagram), endpoints.instagram, accessToken, signal);
      return { account: me.username, accountId: me.id };
    }
  }
}

/** Google's OpenID userinfo: the e-mail and subject of the token's account. */
async function googleAccount(apiUrl: string, accessToken: string, signal: AbortSignal): Promise<{ email: string; sub: string }> {
  try {
    const { body } = await operatorHttpClient(apiUrl).request({ method: 'GET', url: `${apiUrl.replace(/\/$/, '')}/oauth2/v3/userinfo`, headers: { authorization: `Bearer ${accessToken}` }, signal });
    return body as { email: string; sub: string };
  } catch (error) {
    if (!(error instanceof HttpStatusError)) throw error;
    const answer = jsonOf(error.bodyPreview) as { error?: { message?: string } | string; error_description?: string };
    const detail = typeof answer.error === 'object' ? answer.error.message : (answer.error_description ?? answer.error);
    throw providerFailure('Google', { status: error.status, detail });
  }
}
