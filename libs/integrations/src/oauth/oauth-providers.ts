import type { IntegrationProvider } from '@flowmate/contracts';

/** The providers FlowMate connects through OAuth; X and Instagram take a token pasted into `PUT /integrations`. */
export const OAUTH_PROVIDERS = ['github', 'google', 'slack'] as const satisfies readonly IntegrationProvider[];
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

export const isOAuthProvider = (provider: string): provider is OAuthProvider => (OAUTH_PROVIDERS as readonly string[]).includes(provider);

/** An OAuth app registered with the provider (`GITHUB_CLIENT_ID`, `…_CLIENT_SECRET`, `…_REDIRECT_URI`). */
export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface OAuthSettings {
  github: { oauthUrl: string; app?: OAuthApp };
  google: { oauthUrl: string; app?: OAuthApp };
  /** Slack's OAuth lives under its Web API (`oauth.v2.access`) and its web origin (`/oauth/v2/authorize`). */
  slack: { apiUrl: string; app?: OAuthApp };
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: Date;
  scopes: string[];
}

/** The provider refused the grant (a bad, used or revoked code or refresh token): only the user can fix it. */
export class OAuthGrantRefused extends Error {
  override readonly name = 'OAuthGrantRefused';
}

/** The token endpoint failed otherwise (down, misconfigured app): worth trying again. */
export class OAuthExchangeFailed extends Error {
  override readonly name = 'OAuthExchangeFailed';
}

/** What each provider asks for; enough for the integration tools, nothing more. */
const SCOPES: Record<OAuthProvider, string[]> = {
  github: ['repo', 'read:user'],
  google: ['openid', 'email', 'https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.send', 'https://www.googleapis.com/auth/calendar.events'],
  slack: ['chat:write', 'channels:read', 'groups:read'],
};

/** Provider error codes that mean the code or refresh token itself is no good. */
const REFUSED_GRANTS = new Set(['invalid_grant', 'bad_verification_code', 'bad_refresh_token', 'invalid_code', 'invalid_refresh_token', 'code_already_used']);

const TOKEN_TIMEOUT_MS = 10_000;

interface TokenAnswer {
  ok?: boolean;
  error?: string;
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
}

/** Authorize URLs, code exchange and refresh for GitHub, Google and Slack, against operator-set endpoints. */
export class OAuthProviders {
  constructor(private readonly settings: OAuthSettings) {}

  isConfigured(provider: OAuthProvider): boolean {
    return this.settings[provider].app !== undefined;
  }

  authorizeUrl(provider: OAuthProvider, state: string): string {
    const app = this.appOf(provider);
    const params = new URLSearchParams({ client_id: app.clientId, redirect_uri: app.redirectUri, state });
    if (provider === 'github') return `${base(this.settings.github.oauthUrl)}/login/oauth/authorize?${params}&scope=${encodeURIComponent(SCOPES.github.join(' '))}`;
    if (provider === 'google') {
      // offline + consent: Google hands out a refresh token only then.
      const google = new URLSearchParams({ response_type: 'code', scope: SCOPES.google.join(' '), access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' });
      return `${base(this.settings.google.oauthUrl)}/o/oauth2/v2/auth?${params}&${google}`;
    }
    return `${new URL(this.settings.slack.apiUrl).origin}/oauth/v2/authorize?${params}&scope=${encodeURIComponent(SCOPES.slack.join(','))}`;
  }

  exchangeCode(provider: OAuthProvider, code: string): Promise<IssuedTokens> {
    const app = this.appOf(provider);
    return this.requestTokens(provider, { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri });
  }

  refresh(provider: OAuthProvider, refreshToken: string): Promise<IssuedTokens> {
    return this.requestTokens(provider, { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  private async requestTokens(provider: OAuthProvider, grant: Record<string, string>): Promise<IssuedTokens> {
    const app = this.appOf(provider);
    let response: Response;
    try {
      response = await fetch(this.tokenUrl(provider), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ ...grant, client_id: app.clientId, client_secret: app.clientSecret }),
        signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
      });
    } catch (error) {
      throw new OAuthExchangeFailed(`${provider}'s token endpoint could not be reached: ${(error as Error).message}`);
    }
    const answer = (await response.json().catch(() => ({}))) as TokenAnswer;
    // GitHub and Slack refuse with 200 and an `error` field; Google with 400.
    if (answer.error || answer.ok === false || !response.ok || !answer.access_token) {
      const code = answer.error ?? `HTTP ${response.status}`;
      if (REFUSED_GRANTS.has(code)) throw new OAuthGrantRefused(`${provider} refused the grant (${code})`);
      throw new OAuthExchangeFailed(`${provider}'s token endpoint answered ${code}`);
    }
    return {
      accessToken: answer.access_token,
      ...(answer.refresh_token ? { refreshToken: answer.refresh_token } : {}),
      ...(answer.expires_in ? { expiresAt: new Date(Date.now() + answer.expires_in * 1000) } : {}),
      scopes: (answer.scope ?? '').split(/[ ,]+/).filter(Boolean),
    };
  }

  private tokenUrl(provider: OAuthProvider): string {
    if (provider === 'github') return `${base(this.settings.github.oauthUrl)}/login/oauth/access_token`;
    if (provider === 'google') return `${base(this.settings.google.oauthUrl)}/o/oauth2/token`;
    return `${base(this.settings.slack.apiUrl)}/oauth.v2.access`;
  }

  private appOf(provider: OAuthProvider): OAuthApp {
    const app = this.settings[provider].app;
    if (!app) throw new OAuthExchangeFailed(`${provider} has no OAuth app configured`);
    return app;
  }
}

const base = (url: string): string => url.replace(/\/$/, '');
