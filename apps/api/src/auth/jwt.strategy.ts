import type { AppConfig, JwtKeys } from '@flowmate/config';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { InjectConfig } from '../core/app-config.provider';
import type { AuthUser } from './auth-user';

export interface AccessTokenClaims {
  sub: string;
  email: string;
}

/**
 * Where the guard puts its app's signing keys for the strategy: passport strategies are registered process-wide
 * by name, so keys read at construction would be those of whichever app in the process was built last.
 */
export const VERIFYING_KEYS = Symbol('verifyingKeys');
export type KeyedRequest = Request & { [VERIFYING_KEYS]?: JwtKeys };

/** Browsers' EventSource cannot send headers: the events stream, and nothing else, takes the token from `?access_token=`. */
const EVENTS_ROUTE = /^\/api\/v1\/runs\/[^/]+\/events$/;

function eventStreamQueryToken(request: Request): string | null {
  const token = request.query.access_token;
  return EVENTS_ROUTE.test(request.path) && typeof token === 'string' ? token : null;
}

/**
 * jsonwebtoken turns a string secret into a key object on every verify, trying it first as a PEM public key
 * and catching the failure: about 6 % of the API's CPU under load. Each keyring's secrets become key objects once.
 */
const keyObjectsOf = new WeakMap<JwtKeys['keys'], Map<string, KeyObject>>();

function verifyingKey(keys: JwtKeys['keys'], kid: string): KeyObject {
  let keyObjects = keyObjectsOf.get(keys);
  if (!keyObjects) keyObjectsOf.set(keys, (keyObjects = new Map()));
  let key = keyObjects.get(kid);
  if (!key) keyObjects.set(kid, (key = createSecretKey(Buffer.from(keys[kid]))));
  return key;
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(@InjectConfig() config: AppConfig, jwt: JwtService) {
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([ExtractJwt.fromAuthHeaderAsBearerToken(), eventStreamQueryToken]),
      // The header's kid picks the key: every configured key verifies, so tokens outlive a rotation until they expire.
      secretOrKeyProvider: (request: KeyedRequest, rawToken: string, done: (error: Error | null, secret?: string | Buffer) => void) => {
        const keys = request[VERIFYING_KEYS]?.keys ?? {};
        const kid = jwt.decode<{ header?: { kid?: unknown } } | null>(rawToken, { complete: true })?.header?.kid;
        // passport-jwt hands the key to jsonwebtoken as it is, which takes key objects; its types predate them.
        if (typeof kid === 'string' && Object.hasOwn(keys, kid)) done(null, verifyingKey(keys, kid) as unknown as Buffer);
        else done(new Error('unknown signing key'));
      },
      algorithms: ['HS256'],
      issuer: config.api.jwt.issuer,
      audience: config.api.jwt.audience,
      ignoreExpiration: false,
    });
  }

  /** Only the subject: the guard reads the user as stored now. */
  validate(claims: AccessTokenClaims): Pick<AuthUser, 'id'> {
    return { id: claims.sub };
  }
}
