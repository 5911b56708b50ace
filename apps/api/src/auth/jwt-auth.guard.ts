import type { AppConfig } from '@flowmate/config';
import { UsersRepository } from '@flowmate/db';
import { Injectable, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { InjectConfig } from '../core/app-config.provider';
import { IS_PUBLIC, type AuthUser } from './auth-user';
import { VERIFYING_KEYS, type KeyedRequest } from './jwt.strategy';

/** Every route needs a valid access token unless marked @Public(), and its account must still exist. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    context.switchToHttp().getRequest<KeyedRequest>()[VERIFYING_KEYS] = this.config.api.jwt.keys;
    if (!(await super.canActivate(context))) return false;
    // A deleted account's tokens stop working at once, not when they expire.
    const { user } = context.switchToHttp().getRequest<Request & { user: AuthUser }>();
    if (!(await this.users.exists(user.id))) throw new UnauthorizedException('This account no longer exists');
    return true;
  }
}
