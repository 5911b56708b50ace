import type { UserRole, UserTier } from '@flowmate/contracts';
import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

/** Who is calling: the user of the access token or API key, as stored now (a changed tier applies at once). */
export interface AuthUser {
  id: string;
  email: string;
  tier: UserTier;
  role: UserRole;
  /** Set when the request came with a personal API key rather than a sign-in session. */
  apiKeyId?: string;
}

export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  return context.switchToHttp().getRequest<{ user: AuthUser }>().user;
});

export const IS_PUBLIC = Symbol('isPublic');
/** Opens a route to callers without an access token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

export const SESSION_ONLY = Symbol('sessionOnly');
/** Refuses API keys (403): what manages credentials needs a sign-in session, so a leaked key cannot mint more. */
export const SessionOnly = (): MethodDecorator & ClassDecorator => SetMetadata(SESSION_ONLY, true);
