import type { AppConfig } from '@flowmate/config';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { InjectConfig } from '../core/app-config.provider';
import { perIpPolicy } from './rate-limit-policies';
import { RateLimiters } from './rate-limiters';

/** Every request, signed in or not, counts against its client address: before authentication, so bad tokens count too. */
@Injectable()
export class PerIpRateLimitMiddleware implements NestMiddleware {
  constructor(
    private readonly limiters: RateLimiters,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    await this.limiters.consume(perIpPolicy(this.config.api.rateLimits), request.ip ?? 'unknown', response);
    next();
  }
}
