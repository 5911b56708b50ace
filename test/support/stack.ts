import 'reflect-metadata';
import { loadConfig, type AppConfig } from '@flowmate/config';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { installationQuery } from '../../apps/api/src/schedules/schedule-options';
import { openFlowMateWorker } from '../../apps/worker/src/flowmate-worker';
import { WorkerMetrics } from '@flowmate/observability';
import { Registry } from 'prom-client';
import { keyringSetting, jwtKeysSetting } from './key-settings';
import { createTestDatabase, type TestDatabase } from './database';
import { temporalAddress } from './temporal';

Runtime.install({ logger: new DefaultLogger('ERROR') });

export interface StackOptions {
  /** Start a worker too (runs execute); auth and agent tests need none. */
  worker?: boolean;
  env?: Record<string, string>;
  /** Share another stack's database (and so its users, agents and runs) instead of a fresh one. */
  shareDatabaseWith?: Stack;
  /** Where the API's log lines go (set LOG_LEVEL in `env` to see them). */
  logDestination?: DestinationStream;
  /** The API's port, when something must know it before the API listens (a Web UI's codec endpoint); any free one when absent. */
  port?: number;
  /** A Postgres database of the test's own (one it stops and starts) instead of a throwaway one on the shared server; the test cleans it up. */
  databaseUrl?: string;
}

export interface Stack {
  config: AppConfig;
  baseUrl: string;
  http: ReturnType<typeof request>;
  temporal: Client;
  /** The API's own connection, for checking what was stored. */
  db: DataSource;
  stop(): Promise<void>;
}

/** The real API and worker in this process, on a throwaway database, a fresh task queue and the shared Temporal server. */
export async function startStack({ worker = false, env = {}, shareDatabaseWith, logDestination, port: requestedPort = 0, databaseUrl }: StackOptions = {}): Promise<Stack> {
  const database = shareDatabaseWith || databaseUrl ? undefined : await createTestDatabase();
  const config = loadConfig('api', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: shareDatabaseWith?.config.database.url ?? databaseUrl ?? (database as TestDatabase).url,
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_TASK_QUEUE: shareDatabaseWith?.config.temporal.taskQueue ?? `e2e-${randomUUID()}`,
    JWT_KEYS: shareDatabaseWith ? jwtKeysSetting(shareDatabaseWith.config.api.jwt.keys) : `e2e:${randomUUID()}${randomUUID()}`,
    JWT_CURRENT_KEY_ID: shareDatabaseWith?.config.api.jwt.keys.currentKeyId,
    CREDENTIALS_KEYS: shareDatabaseWith ? keyringSetting(shareDatabaseWith.config.credentials) : `test:${randomBytes(32).toString('base64')}`,
    PAYLOAD_KEYS: shareDatabaseWith ? keyringSetting(shareDatabaseWith.config.payloadKeys) : `test:${randomBytes(32).toString('base64')}`,
    PAYLOAD_CURRENT_KEY_ID: shareDatabaseWith?.config.payloadKeys.currentKeyId,
    AUTH_MAGIC_LINK_DELIVERY: 'response',
    // Tests poll and sign in far faster than people do; the rate-limit tests turn limits on.
    RATE_LIMITS_ENABLED: 'false',
    ...env,
  });

  const app: INestApplication = await createApiApp(config, { logDestination });
  await app.listen(requestedPort, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const temporal = app.get(Client);

  const stopWorker = worker ? await startWorker(config) : async () => undefined;
  return {
    config,
    baseUrl: `http://127.0.0.1:${port}`,
    http: request(app.getHttpServer()),
    temporal,
    db: app.get(DataSource),
    async stop() {
      await stopWorker();
      // Only on the shared dev server: a stack pointed at an unreachable Temporal made no schedules.
      if (!shareDatabaseWith && config.temporal.address === temporalAddress()) await deleteSchedulesOf(temporal, config.temporal.taskQueue);
      await app.close();
      await database?.drop();
    },
  };
}

/** The shared dev server outlives a test file: its schedules must not go on firing at a task queue nobody polls. */
async function deleteSchedulesOf(temporal: Client, taskQueue: string): Promise<void> {
  for await (const summary of temporal.schedule.list({ query: installationQuery(taskQueue) })) await temporal.schedule.getHandle(summary.scheduleId).delete();
}

async function startWorker(config: AppConfig): Promise<() => Promise<void>> {
  const { worker, close } = await openFlowMateWorker(config, new WorkerMetrics(new Registry()));
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
    await close();
  };
}
