import type { AppConfig } from '@flowmate/config';
import { AuthTokensRepository, UsersRepository, type UserEntity } from '@flowmate/db';
import { Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { InjectConfig } from '../core/app-config.provider';
import type { AuthUser } from './auth-user';
import type { MagicLinkRequestedDto, SessionDto, TokensDto, UserDto } from './dto/auth.dto';
import type { AccessTokenClaims } from './jwt.strategy';

const newToken = (): string => randomBytes(32).toString('base64url');
const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
const secondsFromNow = (seconds: number): Date => new Date(Date.now() + seconds * 1000);

const toUserDto = ({ id, email, tier }: UserEntity): UserDto => ({ id, email, tier });

@Injectable()
export class AuthService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly tokens: AuthTokensRepository,
    private readonly jwt: JwtService,
  ) {}

  /** Signs up on first use; the answer is the same for every address. */
  async requestMagicLink(email: string): Promise<MagicLinkRequestedDto> {
    const user = await this.users.findOrCreateByEmail(email.trim().toLowerCase());
    const token = newToken();
    await this.tokens.createMagicLink(user.id, hashToken(token), secondsFromNow(this.config.api.magicLinkTtlSeconds));
    const message = 'If this address can sign in, a sign-in link is on its way.';
    return this.config.api.magicLinkInResponse ? { message, magicLinkToken: token } : { message };
  }

  async verifyMagicLink(token: string): Promise<SessionDto> {
    const userId = await this.tokens.consumeMagicLink(hashToken(token));
    const user = userId ? await this.users.findById(userId) : null;
    if (!user) throw new UnauthorizedException('This sign-in link is invalid, used or expired');
    return { ...(await this.issueTokens(user, randomUUID())), user: toUserDto(user) };
  }

  /** Rotation: each refresh token works once; presenting a spent one revokes its whole family. */
  async refresh(refreshToken: string): Promise<TokensDto> {
    const hash = hashToken(refreshToken);
    const active = await this.tokens.revokeActiveRefreshToken(hash);
    if (!active) {
      const family = await this.tokens.findRefreshTokenFamily(hash);
      if (family) await this.tokens.revokeRefreshFamily(family);
      throw new UnauthorizedException('This refresh token is invalid, expired or already used');
    }
    const user = await this.users.findById(active.userId);
    if (!user) throw new UnauthorizedException('This refresh token is invalid, expired or already used');
    return this.issueTokens(user, active.familyId);
  }

  /** Revokes the caller's own session only; someone else's token is ignored, without saying so. */
  async logout(caller: AuthUser, refreshToken: string): Promise<void> {
    const family = await this.tokens.findRefreshTokenFamily(hashToken(refreshToken), caller.id);
    if (family) await this.tokens.revokeRefreshFamily(family);
  }

  async me(caller: AuthUser): Promise<UserDto> {
    const user = await this.users.findById(caller.id);
    if (!user) throw new NotFoundException('User not found');
    return toUserDto(user);
  }

  private async issueTokens(user: UserEntity, familyId: string): Promise<TokensDto> {
    const { accessTtlSeconds } = this.config.api.jwt;
    const claims: AccessTokenClaims = { sub: user.id, email: user.email };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: accessTtlSeconds });
    const refreshToken = newToken();
    await this.tokens.createRefreshToken(user.id, familyId, hashToken(refreshToken), secondsFromNow(this.config.api.refreshTokenTtlSeconds));
    return { accessToken, refreshToken, expiresIn: accessTtlSeconds };
  }
}
