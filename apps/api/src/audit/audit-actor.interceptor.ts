import { auditActor } from '@flowmate/db';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import type { AuthUser } from '../auth/auth-user';

/**
 * Runs each request's handler with its actor (the authenticated user, the correlation id, the client
 * address) in scope, so every audit event written while it is handled says who did it.
 */
@Injectable()
export class AuditActorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request & { id?: unknown; user?: AuthUser }>();
    const actor = { userId: request.user?.id, apiKeyId: request.user?.apiKeyId, correlationId: request.id === undefined ? undefined : String(request.id), clientIp: request.ip };
    // The handler runs when the observable is subscribed to, so subscribing inside the scope puts it there.
    return new Observable((subscriber) => auditActor.run(actor, () => next.handle().subscribe(subscriber)));
  }
}
