import type { AppConfig } from '@flowmate/config';
import { AuthTokensRepository, UsersRepository, type UserEntity } from '@flowmate/db';
import { Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { InjectConfig } from '../core/app-config.provider';
import type { AuthUser } from './auth-user';
import type { MagicLinkRequestedDto, SessionDto, TokensDto, UserDto } from './dto/auth.dto';
import type { AccessTokenClaims } from './jwt.strategy';
import { MagicLinkMailer } from './magic-link-mailer';
import { hashOpaqueToken, newOpaqueToken } from './opaque-token';

const secondsFromNow = (seconds: number): Date => new Date(Date.now() + seconds * 1000);

const toUserDto = ({ id, email, tier, role }: UserEntity): UserDto => ({ id, email, tier, role });

@Injectable()
export class AuthService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly tokens: AuthTokensRepository,
    private readonly jwt: JwtService,
    private readonly mailer: MagicLinkMailer,
  ) {}

  /**
   * Signs up on first use, so a known and an unknown address get the same answer after the same work;
   * the e-mail goes out off the request path.
   */
  async requestMagicLink(email: string): Promise<MagicLinkRequestedDto> {
    const user = await this.users.findOrCreateByEmail(email.trim().toLowerCase());
    const token = newOpaqueToken();
    const { ttlSeconds, delivery } = this.config.api.magicLink;
    await this.tokens.createMagicLink(user.id, hashOpaqueToken(token), secondsFromNow(ttlSeconds));
    this.mailer.send({ userId: user.id, email: user.email, token });
    const message = 'If this address can sign in, a sign-in link is on its way.';
    return delivery.kind === 'response' ? { message, magicLinkToken: token } : { message };
  }

  async verifyMagicLink(token: string): Promise<SessionDto> {
    const userId = await this.tokens.consumeMagicLink(hashOpaqueToken(token));
    const user = userId ? await this.users.findById(userId) : null;
    if (!user) throw new UnauthorizedException('This sign-in link is invalid, used or expired');
    return { ...(await this.issueTokens(user, randomUUID())), user: toUserDto(user) };
  }

  /** Rotation: each refresh token works once; presenting a spent one revokes its whole family. */
  async refresh(refreshToken: string): Promise<TokensDto> {
    const next = newOpaqueToken();
    const issued = await this.tokens.rotateRefreshToken(hashOpaqueToken(refreshToken), { tokenHash: hashOpaqueToken(next), expiresAt: this.refreshTokenExpiry() });
    const user = issued ? await this.users.findById(issued.userId) : null;
    if (!user) throw new UnauthorizedException('This refresh token is invalid, expired or already used');
    return { ...(await this.accessToken(user)), refreshToken: next };
  }

  /** Revokes the caller's own session only; someone else's token is ignored, without saying so. */
  async logout(caller: AuthUser, refreshToken: string): Promise<void> {
    await this.tokens.revokeFamilyOf(hashOpaqueToken(refreshToken), caller.id);
  }

  async me(caller: AuthUser): Promise<UserDto> {
    const user = await this.users.findById(caller.id);
    if (!user) throw new NotFoundException('User not found');
    return toUserDto(user);
  }

  private async issueTokens(user: UserEntity, familyId: string): Promise<TokensDto> {
    const refreshToken = newOpaqueToken();
    await this.tokens.createRefreshToken(user.id, familyId, hashOpaqueToken(refreshToken), this.refreshTokenExpiry());
    return { ...(await this.accessToken(user)), refreshToken };
  }

  private async accessToken(user: UserEntity): Promise<Omit<TokensDto, 'refreshToken'>> {
    const { accessTtlSeconds } = this.config.api.jwt;
    const claims: AccessTokenClaims = { sub: user.id, email: user.email };
    return { accessToken: await this.jwt.signAsync(claims, { expiresIn: accessTtlSeconds }), expiresIn: accessTtlSeconds };
  }

  private refreshTokenExpiry(): Date {
    return secondsFromNow(this.config.api.refreshTokenTtlSeconds);
  }
}
