import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../core/api-error-responses';
import { SignInRoute } from '../rate-limits/rate-limited';
import { ApiSignedIn } from './api-security';
import { CurrentUser, Public, type AuthUser } from './auth-user';
import { AuthService } from './auth.service';
import { MagicLinkRequestedDto, RefreshDto, RequestMagicLinkDto, SessionDto, TokensDto, UserDto, VerifyMagicLinkDto } from './dto/auth.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @SignInRoute()
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: MagicLinkRequestedDto, description: 'The same answer whether or not the address has an account' })
  @ApiErrorResponses(HttpStatus.BAD_REQUEST)
  requestMagicLink(@Body() dto: RequestMagicLinkDto): Promise<MagicLinkRequestedDto> {
    return this.auth.requestMagicLink(dto.email);
  }

  @Public()
  @SignInRoute()
  @Post('verify')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SessionDto })
  @ApiErrorResponses(HttpStatus.BAD_REQUEST, HttpStatus.UNAUTHORIZED)
  verify(@Body() dto: VerifyMagicLinkDto): Promise<SessionDto> {
    return this.auth.verifyMagicLink(dto.token);
  }

  @Public()
  @SignInRoute()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TokensDto, description: 'New tokens; the refresh token sent is used up' })
  @ApiErrorResponses(HttpStatus.BAD_REQUEST, HttpStatus.UNAUTHORIZED)
  refresh(@Body() dto: RefreshDto): Promise<TokensDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @ApiSignedIn()
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The refresh token is revoked' })
  @ApiErrorResponses(HttpStatus.BAD_REQUEST)
  logout(@CurrentUser() user: AuthUser, @Body() dto: RefreshDto): Promise<void> {
    return this.auth.logout(user, dto.refreshToken);
  }

  @ApiSignedIn()
  @Get('me')
  @ApiOkResponse({ type: UserDto })
  me(@CurrentUser() user: AuthUser): Promise<UserDto> {
    return this.auth.me(user);
  }
}
