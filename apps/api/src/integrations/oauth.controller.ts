import type { AppConfig } from '@flowmate/config';
import type { OAuthProvider } from '@flowmate/integrations';
import { Controller, Get, HttpStatus, Param, Query, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiSignedIn } from '../auth/api-security';
import { CurrentUser, Public, type AuthUser } from '../auth/auth-user';
import { InjectConfig } from '../core/app-config.provider';
import { ApiErrorResponses } from '../core/api-error-responses';
import { AuthorizeUrlDto, IntegrationDto } from './dto/integration.dto';
import { OAuthService, type CallbackQuery } from './oauth.service';
import { ParseOAuthProviderPipe } from './provider.pipe';

@ApiTags('integrations')
@ApiErrorResponses(HttpStatus.BAD_REQUEST)
@Controller('oauth/:provider')
export class OAuthController {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly oauth: OAuthService,
  ) {}

  @ApiSignedIn()
  @Get('authorize')
  @ApiOkResponse({ type: AuthorizeUrlDto })
  authorize(@CurrentUser() user: AuthUser, @Param('provider', ParseOAuthProviderPipe) provider: OAuthProvider): Promise<AuthorizeUrlDto> {
    return this.oauth.authorize(user, provider);
  }

  /** The browser comes back here from the provider, with no access token of ours: the state says whose connect it is. */
  @Public()
  @Get('callback')
  @ApiOkResponse({ type: IntegrationDto, description: 'Connected (without OAUTH_RETURN_URL)' })
  @ApiFoundResponse({ description: 'Connected: to OAUTH_RETURN_URL with `?connected=<provider>`', headers: { Location: { schema: { type: 'string', format: 'uri' } } } })
  @ApiErrorResponses(HttpStatus.SERVICE_UNAVAILABLE)
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
