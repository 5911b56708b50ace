import { FAILURE_TYPES, type IntegrationProvider } from '@flowmate/contracts';
import { openTokens, sealTokens, type CredentialCipher, type TokenBundle } from '@flowmate/crypto';
import type { CredentialsRepository } from '@flowmate/db';
import { isOAuthProvider, OAuthGrantRefused, type OAuthProviders } from '@flowmate/integrations';
import { ApplicationFailure } from '@temporalio/common';

/** What an integration tool calls with: the user's token, decrypted here and never passed further than the call. */
export interface Connection {
  accessToken: string;
  accountId?: string;
}

export interface CredentialVaultDependencies {
  credentials: CredentialsRepository;
  cipher: CredentialCipher;
  oauth: OAuthProviders;
  /** A token this close to its expiry is refreshed before use. */
  refreshMarginMs?: number;
}

const notConnected = (provider: IntegrationProvider): ApplicationFailure =>
  ApplicationFailure.create({
    type: FAILURE_TYPES.integrationNotConnected,
    message: `${provider} is not connected: connect it with PUT /api/v1/integrations/${provider}${isOAuthProvider(provider) ? ` or GET /api/v1/oauth/${provider}/authorize` : ''}`,
    nonRetryable: true,
  });

const needsReauth = (provider: IntegrationProvider): ApplicationFailure =>
  ApplicationFailure.create({
    type: FAILURE_TYPES.credentialsNeedReauth,
    message: `the ${provider} connection was refused by ${provider} and must be connected again`,
    nonRetryable: true,
  });

/**
 * Resolves a run owner's connection at call time. A token about to expire is refreshed under the row's lock,
 * so of ten calls that need it at once one refreshes and nine read the result; a refused refresh marks the
 * connection `needsReauth` (committed, then the call fails).
 */
export class CredentialVault {
  private readonly refreshMarginMs: number;

  constructor(private readonly deps: CredentialVaultDependencies) {
    this.refreshMarginMs = deps.refreshMarginMs ?? 60_000;
  }

  async connection(userId: string, provider: IntegrationProvider): Promise<Connection> {
    const row = await this.deps.credentials.find(userId, provider);
    if (!row) throw notConnected(provider);
    if (row.needsReauth) throw needsReauth(provider);
    const context = { rowId: row.id, userId };
    if (!this.expiring(row.expiresAt)) return this.connectionOf(openTokens(this.deps.cipher, row.ciphertext, context), row.accountId);

    const outcome = await this.deps.credentials.withLockedConnection(userId, provider, async (locked, update) => {
      if (!locked) return notConnected(provider);
      if (locked.needsReauth) return needsReauth(provider);
      const tokens = openTokens(this.deps.cipher, locked.ciphertext, context);
      if (!this.expiring(locked.expiresAt)) return this.connectionOf(tokens, locked.accountId);
      if (!tokens.refreshToken || !isOAuthProvider(provider)) {
        await update({ needsReauth: true });
        return needsReauth(provider);
      }
      try {
        const issued = await this.deps.oauth.refresh(provider, tokens.refreshToken);
        // Providers that do not rotate refresh tokens send none back: the old one stays good.
        const refreshed: TokenBundle = { accessToken: issued.accessToken, refreshToken: issued.refreshToken ?? tokens.refreshToken };
        await update({ ...sealTokens(this.deps.cipher, refreshed, context), expiresAt: issued.expiresAt ?? null });
        return this.connectionOf(refreshed, locked.accountId);
      } catch (error) {
        if (!(error instanceof OAuthGrantRefused)) throw error;
        await update({ needsReauth: true });
        return needsReauth(provider);
      }
    });
    if (outcome instanceof ApplicationFailure) throw outcome;
    return outcome;
  }

  private expiring(expiresAt: Date | null): boolean {
    return expiresAt !== null && expiresAt.getTime() - Date.now() < this.refreshMarginMs;
  }

  private connectionOf(tokens: TokenBundle, accountId: string | null): Connection {
    return { accessToken: tokens.accessToken, ...(accountId ? { accountId } : {}) };
  }
}
