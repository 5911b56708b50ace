import type { AppConfig } from '@flowmate/config';
import { Controller, Get, Header, Headers, HttpStatus, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { mayScrape } from '@flowmate/observability';
import { Registry } from 'prom-client';
import { Public } from '../auth/auth-user';
import { ApiErrorResponses } from '../core/api-error-responses';
import { InjectConfig } from '../core/app-config.provider';

/** Prometheus's scrape endpoint, outside `/api/v1`; behind `METRICS_TOKEN` when it is set (its own token, not a user's). */
@ApiTags('metrics')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly registry: Registry,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiErrorResponses(HttpStatus.UNAUTHORIZED)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(@Headers('authorization') authorization?: string): Promise<string> {
    if (!mayScrape(this.config.metrics.token, authorization)) throw new UnauthorizedException('Metrics need the configured bearer token');
    return this.registry.metrics();
  }
}
