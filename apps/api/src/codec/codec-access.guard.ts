import { ForbiddenException, Injectable, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The codec decrypts what Temporal stores of every user's runs, so it is an operator's tool: a bearer
 * token (or API key) of the `operator` role, else 401 without one and 403 with a plain user's. One
 * exception, in development only: the local Temporal Web UI, which cannot send a token, calling from
 * its own loopback origin.
 */
@Injectable()
export class CodecAccessGuard extends JwtAuthGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isLocalDevelopmentUi(context.switchToHttp().getRequest<Request>())) return true;
    const caller = await this.authenticate(context);
    if (caller.role !== 'operator') throw new ForbiddenException('Decoding Temporal payloads is for operators; read your runs through the API');
    return true;
  }

  private isLocalDevelopmentUi(request: Request): boolean {
    if (this.config.env !== 'development' || request.headers.authorization !== undefined) return false;
    const ui = new URL(this.config.temporal.uiUrl);
    return LOOPBACK_HOSTS.has(ui.hostname) && request.headers.origin === ui.origin;
  }
}
