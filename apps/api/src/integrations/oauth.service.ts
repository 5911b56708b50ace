import { currentJwtSecret, type AppConfig } from '@flowmate/config';
import { OAuthStatesRepository } from '@flowmate/db';
import { OAuthGrantRefused, OAuthProviders, type OAuthProvider } from '@flowmate/integrations';
import { BadRequestException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthUser } from '../auth/auth-user';
import { InjectConfig } from '../core/app-config.provider';
import type { IntegrationDto } from './dto/integration.dto';
import { IntegrationsService } from './integrations.service';

const STATE_TTL_MS = 10 * 60_000;

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
}

const hashOf = (state: string): string => createHash('sha256').update(state).digest('hex');

/**
 * OAuth connects. The `state` is random, signed with the API's key (a forged one is refused before any
 * lookup), stored hashed with the user it belongs to, valid 10 minutes, and consumed once.
 */
@Injectable()
export class OAuthService {
  private readonly providers: OAuthProviders;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly states: OAuthStatesRepository,
    private readonly integrations: IntegrationsService,
  ) {
    this.providers = new OAuthProviders(config.integrations.oauth);
  }

  async authorize(user: AuthUser, provider: OAuthProvider): Promise<{ url: string }> {
    this.assertConfigured(provider);
    const nonce = randomBytes(32).toString('base64url');
    const state = `${nonce}.${this.sign(provider, nonce)}`;
    await this.states.create(user.id, provider, hashOf(state), new Date(Date.now() + STATE_TTL_MS));
    return { url: this.providers.authorizeUrl(provider, state) };
  }

  async callback(provider: OAuthProvider, { code, state, error }: CallbackQuery): Promise<IntegrationDto> {
    this.assertConfigured(provider);
    const owner = state && this.signed(provider, state) ? await this.states.consume(hashOf(state), provider) : null;
    if (!owner) throw new BadRequestException('The OAuth state is unknown, used or expired; start again from /authorize');
    if (error || !code) throw new BadRequestException(`${provider} did not grant access (${error ?? 'no code'})`);
    let issued;
    try {
      issued = await this.providers.exchangeCode(provider, code);
    } catch (failure) {
      if (failure instanceof OAuthGrantRefused) throw new BadRequestException(failure.message);
      throw new ServiceUnavailableException(`${provider} could not exchange the code; start again from /authorize`);
    }
    return this.integrations.store(owner.userId, provider, issued);
  }

  private assertConfigured(provider: OAuthProvider): void {
    if (!this.providers.isConfigured(provider)) {
      throw new BadRequestException(`${provider} has no OAuth app configured (${provider.toUpperCase()}_CLIENT_ID, _CLIENT_SECRET, _REDIRECT_URI); connect it with PUT /api/v1/integrations/${provider}`);
    }
  }

  private sign(provider: OAuthProvider, nonce: string): string {
    return createHmac('sha256', currentJwtSecret(this.config.api.jwt.keys)).update(`oauth-state:${provider}:${nonce}`).digest('base64url');
  }

  private signed(provider: OAuthProvider, state: string): boolean {
    const [nonce, signature, ...rest] = state.split('.');
    if (!nonce || !signature || rest.length > 0) return false;
    const expected = Buffer.from(this.sign(provider, nonce));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
