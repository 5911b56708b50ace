import type { AppConfig } from '@flowmate/config';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { HttpLogger } from 'pino-http';
import { AgentsModule } from './agents/agents.module';
import { AgentCreationModule } from './agents/creation/agent-creation.module';
import { ApprovalsModule } from './approvals/approvals.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { CodecModule } from './codec/codec.module';
import { MetricsModule } from './metrics/metrics.module';
import { RateLimitsModule } from './rate-limits/rate-limits.module';
import { AccountModule } from './account/account.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AppConfigModule } from './core/app-config.provider';
import { DatabaseModule } from './core/database.module';
import { HttpErrorFilter } from './core/http-error.filter';
import { LoggingModule } from './core/logging.module';
import { TemporalModule } from './core/temporal.module';
import { createValidationPipe } from './core/validation.pipe';
import { HealthController } from './health/health.controller';
import { IntegrationsModule } from './integrations/integrations.module';
import { ModelsModule } from './models/models.module';
import { RunsModule } from './runs/runs.module';
import { SchedulesModule } from './schedules/schedules.module';
import { ToolsController } from './tools/tools.controller';
import { WebhooksModule } from './webhooks/webhooks.module';
import type { Registry } from 'prom-client';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, requestLogger: HttpLogger, metrics: Registry): DynamicModule {
    return {
      module: AppModule,
      imports: [AppConfigModule.forRoot(config), LoggingModule.forRoot(requestLogger), DatabaseModule, TemporalModule, AuthModule, AgentsModule, RunsModule, ApprovalsModule, ModelsModule, IntegrationsModule, WebhooksModule, SchedulesModule, AgentCreationModule, AuditModule, AccountModule, ApiKeysModule, CodecModule, MetricsModule.forRoot(metrics), RateLimitsModule.forRoot(config)],
      controllers: [ToolsController, HealthController],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}
