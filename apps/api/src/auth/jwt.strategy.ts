import type { AppConfig } from '@flowmate/config';
import { UsersRepository } from '@flowmate/db';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { InjectConfig } from '../core/app-config.provider';
import type { AuthUser } from './auth-user';

export interface AccessTokenClaims {
  sub: string;
  email: string;
}

/** Browsers' EventSource cannot send headers: the events stream, and nothing else, takes the token from `?access_token=`. */
const EVENTS_ROUTE = /^\/api\/v1\/runs\/[^/]+\/events$/;

function eventStreamQueryToken(request: Request): string | null {
  const token = request.query.access_token;
  return EVENTS_ROUTE.test(request.path) && typeof token === 'string' ? token : null;
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @InjectConfig() config: AppConfig,
    private readonly users: UsersRepository,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([ExtractJwt.fromAuthHeaderAsBearerToken(), eventStreamQueryToken]),
      secretOrKey: config.api.jwt.secret,
      algorithms: ['HS256'],
      issuer: config.api.jwt.issuer,
      audience: config.api.jwt.audience,
      ignoreExpiration: false,
    });
  }

  /** A deleted account's tokens stop working at once, not when they expire. */
  async validate(claims: AccessTokenClaims): Promise<AuthUser> {
    if (!(await this.users.exists(claims.sub))) throw new UnauthorizedException('This account no longer exists');
    return { id: claims.sub, email: claims.email };
  }
}
