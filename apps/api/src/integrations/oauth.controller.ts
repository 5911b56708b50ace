import type { AppConfig } from '@flowmate/config';
import type { OAuthProvider } from '@flowmate/integrations';
import { Controller, Get, HttpStatus, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Public, type AuthUser } from '../auth/auth-user';
import { InjectConfig } from '../core/app-config.provider';
import type { AuthorizeUrlDto, IntegrationDto } from './dto/integration.dto';
import { OAuthService, type CallbackQuery } from './oauth.service';
import { ParseOAuthProviderPipe } from './provider.pipe';

@ApiTags('integrations')
@ApiBearerAuth()
@Controller('oauth/:provider')
export class OAuthController {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly oauth: OAuthService,
  ) {}

  @Get('authorize')
  authorize(@CurrentUser() user: AuthUser, @Param('provider', ParseOAuthProviderPipe) provider: OAuthProvider): Promise<AuthorizeUrlDto> {
    return this.oauth.authorize(user, provider);
  }

  /** The browser comes back here from the provider, with no access token of ours: the state says whose connect it is. */
  @Public()
  @Get('callback')
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
}
