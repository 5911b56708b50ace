import type { AppConfig } from '@flowmate/config';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { InjectConfig } from '../core/app-config.provider';
import type { AuthUser } from './auth-user';

export interface AccessTokenClaims {
  sub: string;
  email: string;
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(@InjectConfig() config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
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
