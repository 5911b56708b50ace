import type { AppConfig } from '@flowmate/config';
import type { IntegrationProvider } from '@flowmate/contracts';
import { CredentialCipher, sealTokens, type TokenBundle } from '@flowmate/crypto';
import { CredentialsRepository, type IntegrationCredentialEntity } from '@flowmate/db';
import { checkConnection, type ConnectedAccount } from '@flowmate/integrations';
import { BadRequestException, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ApplicationFailure } from '@temporalio/common';
import type { AuthUser } from '../auth/auth-user';
import { InjectConfig } from '../core/app-config.provider';
import type { ConnectIntegrationDto, IntegrationDto } from './dto/integration.dto';

export interface NewConnection extends TokenBundle {
  expiresAt?: Date;
  scopes: string[];
}

const toIntegration = (row: IntegrationCredentialEntity): IntegrationDto => ({
  provider: row.provider,
  account: row.account,
  scopes: row.scopes,
  connectedAt: row.connectedAt.toISOString(),
  expiresAt: row.expiresAt?.toISOString() ?? null,
  needsReauth: row.needsReauth,
});

/** Users' provider connections: checked with the provider once, stored encrypted, listed without secrets. */
@Injectable()
export class IntegrationsService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly credentials: CredentialsRepository,
    private readonly cipher: CredentialCipher,
  ) {}

  connect(user: AuthUser, provider: IntegrationProvider, dto: ConnectIntegrationDto): Promise<IntegrationDto> {
    return this.store(user.id, provider, {
      accessToken: dto.accessToken,
      ...(dto.refreshToken ? { refreshToken: dto.refreshToken } : {}),
      ...(dto.expiresAt ? { expiresAt: new Date(dto.expiresAt) } : {}),
      scopes: dto.scopes ?? [],
    });
  }

  /** Asks the provider whose token it is (a refused token is a 400 and nothing is stored), then stores it encrypted. */
  async store(userId: string, provider: IntegrationProvider, { accessToken, refreshToken, expiresAt, scopes }: NewConnection): Promise<IntegrationDto> {
    const account = await this.accountOf(provider, accessToken);
    const row = await this.credentials.save(userId, provider, (rowId) => sealTokens(this.cipher, { accessToken, ...(refreshToken ? { refreshToken } : {}) }, { rowId, userId }), {
      account: account.account,
      accountId: account.accountId,
      scopes,
      expiresAt: expiresAt ?? null,
    });
    return toIntegration(row);
  }

  async list(user: AuthUser): Promise<IntegrationDto[]> {
    return (await this.credentials.list(user.id)).map(toIntegration);
  }

  async remove(user: AuthUser, provider: IntegrationProvider): Promise<void> {
    if (!(await this.credentials.remove(user.id, provider))) throw new NotFoundException(`${provider} is not connected`);
  }

  private async accountOf(provider: IntegrationProvider, accessToken: string): Promise<ConnectedAccount> {
    try {
      return await checkConnection(this.config.integrations.endpoints, provider, accessToken);
    } catch (error) {
      if (error instanceof ApplicationFailure && error.nonRetryable) {
        throw new BadRequestException({ message: `${provider} refused the token`, details: [{ path: 'accessToken', message: error.message }] });
      }
      throw new ServiceUnavailableException(`${provider} could not be reached to check the token; try again`);
    }
  }
}
