import type { AppConfig } from '@flowmate/config';
import { Injectable } from '@nestjs/common';
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
  constructor(@InjectConfig() config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([ExtractJwt.fromAuthHeaderAsBearerToken(), eventStreamQueryToken]),
      secretOrKey: config.api.jwt.secret,
      algorithms: ['HS256'],
      issuer: config.api.jwt.issuer,
      audience: config.api.jwt.audience,
      ignoreExpiration: false,
    });
  }

  validate(claims: AccessTokenClaims): AuthUser {
    return { id: claims.sub, email: claims.email };
  }
}
