import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, type AuthUser } from './auth-user';
import { SignInRoute } from '../rate-limits/rate-limited';
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
  requestMagicLink(@Body() dto: RequestMagicLinkDto): Promise<MagicLinkRequestedDto> {
    return this.auth.requestMagicLink(dto.email);
  }

  @Public()
  @SignInRoute()
  @Post('verify')
  @HttpCode(HttpStatus.OK)
  verify(@Body() dto: VerifyMagicLinkDto): Promise<SessionDto> {
    return this.auth.verifyMagicLink(dto.token);
  }

  @Public()
  @SignInRoute()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  refresh(@Body() dto: RefreshDto): Promise<TokensDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  logout(@CurrentUser() user: AuthUser, @Body() dto: RefreshDto): Promise<void> {
    return this.auth.logout(user, dto.refreshToken);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentUser() user: AuthUser): Promise<UserDto> {
    return this.auth.me(user);
  }
}
