import type { AppConfig } from '@flowmate/config';
import type { IntegrationProvider } from '@flowmate/contracts';
import type { OAuthProvider } from '@flowmate/integrations';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Public, type AuthUser } from '../auth/auth-user';
import { InjectConfig } from '../core/app-config.provider';
import { AuthorizeUrlDto, ConnectIntegrationDto, IntegrationDto, SecretDto, SecretValueDto } from './dto/integration.dto';
import { IntegrationsService } from './integrations.service';
import { OAuthService, type CallbackQuery } from './oauth.service';
import { ParseOAuthProviderPipe, ParseProviderPipe } from './provider.pipe';
import { SecretsService } from './secrets.service';

@ApiTags('integrations')
@ApiBearerAuth()
@Controller()
export class IntegrationsController {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly integrations: IntegrationsService,
    private readonly oauth: OAuthService,
    private readonly secrets: SecretsService,
  ) {}

  @Get('integrations')
  async list(@CurrentUser() user: AuthUser): Promise<{ items: IntegrationDto[] }> {
    return { items: await this.integrations.list(user) };
  }

  @Put('integrations/:provider')
  connect(@CurrentUser() user: AuthUser, @Param('provider', ParseProviderPipe) provider: IntegrationProvider, @Body() dto: ConnectIntegrationDto): Promise<IntegrationDto> {
    return this.integrations.connect(user, provider, dto);
  }

  @Delete('integrations/:provider')
  @HttpCode(HttpStatus.NO_CONTENT)
  disconnect(@CurrentUser() user: AuthUser, @Param('provider', ParseProviderPipe) provider: IntegrationProvider): Promise<void> {
    return this.integrations.remove(user, provider);
  }

  @Get('oauth/:provider/authorize')
  authorize(@CurrentUser() user: AuthUser, @Param('provider', ParseOAuthProviderPipe) provider: OAuthProvider): Promise<AuthorizeUrlDto> {
    return this.oauth.authorize(user, provider);
  }

  /** The browser comes back here from the provider, with no access token of ours: the state says whose connect it is. */
  @Public()
  @Get('oauth/:provider/callback')
  async callback(
    @Param('provider', ParseOAuthProviderPipe) provider: OAuthProvider,
    @Query() query: CallbackQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<IntegrationDto | undefined> {
    const connected = await this.oauth.callback(provider, query);
    const returnUrl = this.config.integrations.oauthReturnUrl;
    if (!returnUrl) return connected;
    const target = new URL(returnUrl);
    target.searchParams.set('connected', provider);
    response.redirect(HttpStatus.FOUND, target.toString());
    return undefined;
  }

  @Get('secrets')
  async listSecrets(@CurrentUser() user: AuthUser): Promise<{ items: SecretDto[] }> {
    return { items: await this.secrets.list(user) };
  }

  @Put('secrets/:name')
  putSecret(@CurrentUser() user: AuthUser, @Param('name') name: string, @Body() dto: SecretValueDto): Promise<SecretDto> {
    return this.secrets.put(user, name, dto.value);
  }

  @Delete('secrets/:name')
  @HttpCode(HttpStatus.NO_CONTENT)
  deleteSecret(@CurrentUser() user: AuthUser, @Param('name') name: string): Promise<void> {
    return this.secrets.remove(user, name);
  }
}
