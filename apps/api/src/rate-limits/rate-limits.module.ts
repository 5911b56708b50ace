import type { AppConfig } from '@flowmate/config';
import { Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PerIpRateLimitMiddleware } from './per-ip-rate-limit.middleware';
import { RateLimitInterceptor } from './rate-limit.interceptor';
import { RateLimiters } from './rate-limiters';

@Module({})
class EnabledRateLimitsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Nest 11's router syntax for every route; '*' would make it warn at each boot.
    consumer.apply(PerIpRateLimitMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}

/** Per client address, per sign-in route, per user by tier and a daily run-start quota (docs/identity.md). */
@Module({})
export class RateLimitsModule {
  static forRoot({ api }: AppConfig): DynamicModule {
    if (!api.rateLimits.enabled) return { module: RateLimitsModule };
    return {
      module: EnabledRateLimitsModule,
      providers: [RateLimiters, PerIpRateLimitMiddleware, { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor }],
    };
  }
}
