import type { AppConfig } from '@flowmate/config';
import { agentDefinitionSchemas } from '@flowmate/contracts/validation';
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { Registry } from 'prom-client';
import { AppModule } from './app.module';
import { addSecuritySchemes } from './auth/api-security';
import { CODEC_PATH, codecCors } from './codec/codec-cors';
import { refuseDeepJson, refuseUnsafeJson } from './core/json-body';
import { createRequestLogger } from './core/request-logger';
import { refuseNulInUrl } from './core/request-url';
import { DOCS_PATH, securityHeaders } from './core/security-headers';
import { httpMetrics } from './metrics/http-metrics';

const API_PREFIX = 'api/v1';
const BODY_LIMIT = '1mb';

/** Express reads a hop count as a number and anything else as addresses or subnets. */
const trustProxySetting = (setting: string): number | string => (/^\d+$/.test(setting) ? Number(setting) : setting);

export interface ApiAppOptions {
  /** Where log lines go; stdout when absent. */
  logDestination?: DestinationStream;
}

/** The configured API, not yet listening; shared by main.ts and the end-to-end tests. */
export async function createApiApp(config: AppConfig, options: ApiAppOptions = {}): Promise<INestApplication> {
  const requestLogger = createRequestLogger(config, options.logDestination);
  const metrics = new Registry();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, requestLogger, metrics), { bufferLogs: true, bodyParser: false, rawBody: true });
  app.useLogger(app.get(Logger));
  if (config.api.trustProxy !== undefined) app.set('trust proxy', trustProxySetting(config.api.trustProxy));
  // Order matters: the correlation id and helmet's headers must be on every response, a refused body's too.
  app.use(requestLogger);
  app.use(httpMetrics(metrics));
  app.use(...securityHeaders(config));
  // The Temporal Web UI calls the codec from its own origin; before the API's CORS, which would end its preflights.
  app.use(`/${CODEC_PATH}`, codecCors(config));
  // Without ALLOWED_ORIGINS no browser page of another origin may call the API (no CORS headers at all).
  if (config.api.allowedOrigins.length > 0) {
    app.enableCors({ origin: config.api.allowedOrigins, credentials: true, exposedHeaders: ['X-Correlation-ID'], maxAge: 600 });
  }
  app.useBodyParser('json', { limit: BODY_LIMIT, reviver: refuseUnsafeJson });
  app.use(refuseDeepJson);
  app.use(refuseNulInUrl);
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'health/detailed', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
      { path: `${CODEC_PATH}/decode`, method: RequestMethod.POST },
      { path: `${CODEC_PATH}/encode`, method: RequestMethod.POST },
    ],
  });
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(app, addSecuritySchemes(new DocumentBuilder().setTitle('FlowMate API').setVersion('1')).build());
  // The definition DTOs carry class-validator rules, not swagger decorators; their schemas come from those rules.
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...agentDefinitionSchemas() } };
  SwaggerModule.setup(DOCS_PATH, app, document);
  return app;
}
