import type { AppConfig } from '@flowmate/config';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, from, switchMap, type Observable } from 'rxjs';
import type { AuthUser } from '../auth/auth-user';
import { InjectConfig } from '../core/app-config.provider';
import { perUserPolicy, runStartQuotaPolicy, signInPerEmailPolicy, signInPerIpPolicy } from './rate-limit-policies';
import { SIGN_IN_ROUTE, STARTS_RUNS } from './rate-limited';
import { RateLimiters } from './rate-limiters';

type LimitedRequest = Request & { user?: AuthUser; body?: { email?: unknown } };

/**
 * The limits that depend on the route or the caller, after authentication: sign-in routes per client
 * address and e-mail, each user's requests by tier, and run starts against the tier's daily quota (a
 * start that fails is not counted).
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly limiters: RateLimiters,
    private readonly reflector: Reflector,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.admit(context)).pipe(
      switchMap((refund) =>
        next.handle().pipe(
          catchError(async (error: unknown) => {
            await refund?.();
            throw error;
          }),
        ),
      ),
    );
  }

  /** Counts the request; the answer gives the run-start point back if the start fails. */
  private async admit(context: ExecutionContext): Promise<(() => Promise<void>) | undefined> {
    const request = context.switchToHttp().getRequest<LimitedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const targets = [context.getHandler(), context.getClass()];
    const limits = this.config.api.rateLimits;

    if (this.reflector.getAllAndOverride<boolean>(SIGN_IN_ROUTE, targets)) {
      await this.limiters.consume(signInPerIpPolicy(limits), request.ip ?? 'unknown', response);
      const email = request.body?.email;
      if (typeof email === 'string') await this.limiters.consume(signInPerEmailPolicy(limits), email.trim().toLowerCase(), response);
    }
    const user = request.user;
    if (!user) return undefined;
    const perUser = perUserPolicy(user.tier);
    if (perUser) await this.limiters.consume(perUser, user.id, response);
    const quota = runStartQuotaPolicy(user.tier);
    if (!quota || !this.reflector.getAllAndOverride<boolean>(STARTS_RUNS, targets)) return undefined;
    await this.limiters.consume(quota, user.id, response);
    return () => this.limiters.refund(quota, user.id);
  }
}
