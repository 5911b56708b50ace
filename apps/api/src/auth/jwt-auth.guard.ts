import { API_KEY_PREFIX } from '@flowmate/contracts';
import type { AppConfig } from '@flowmate/config';
import { ApiKeysRepository, UsersRepository } from '@flowmate/db';
import { ForbiddenException, Injectable, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { InjectConfig } from '../core/app-config.provider';
import { IS_PUBLIC, SESSION_ONLY, type AuthUser } from './auth-user';
import { VERIFYING_KEYS, type KeyedRequest } from './jwt.strategy';
import { hashOpaqueToken } from './opaque-token';

type AuthenticatedRequest = KeyedRequest & { user?: AuthUser };

/**
 * Every route needs a valid access token or personal API key unless marked @Public(), and its account
 * must still exist: the user is read as stored on each request, so a deleted account's tokens stop at
 * once and a changed tier or role applies at once.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    protected readonly reflector: Reflector,
    private readonly users: UsersRepository,
    private readonly apiKeys: ApiKeysRepository,
    @InjectConfig() protected readonly config: AppConfig,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    await this.authenticate(context);
    return true;
  }

  /** The caller of an access token or API key, also put on the request; 401 otherwise. */
  protected async authenticate(context: ExecutionContext): Promise<AuthUser> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const bearer = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer?.startsWith(API_KEY_PREFIX)) {
      if (this.reflector.getAllAndOverride<boolean>(SESSION_ONLY, [context.getHandler(), context.getClass()])) throw new ForbiddenException('This needs a signed-in session; an API key cannot do it');
      const holder = await this.apiKeys.findHolder(hashOpaqueToken(bearer));
      if (!holder) throw new UnauthorizedException('This API key is invalid, expired or revoked');
      return (request.user = { ...holder.user, apiKeyId: holder.apiKeyId });
    }
    request[VERIFYING_KEYS] = this.config.api.jwt.keys;
    if (!(await super.canActivate(context))) throw new UnauthorizedException();
    const user = await this.users.findIdentity(request.user?.id as string);
    if (!user) throw new UnauthorizedException('This account no longer exists');
    return (request.user = { id: user.id, email: user.email, tier: user.tier, role: user.role });
  }
}
