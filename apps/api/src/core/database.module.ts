import type { AppConfig } from '@flowmate/config';
import {
  AgentsRepository,
  ApiKeysRepository,
  ApprovalsRepository,
  AuditEventsRepository,
  AuthTokensRepository,
  CircuitBreakersRepository,
  CredentialsRepository,
  dataSourceOptions,
  OAuthStatesRepository,
  RunEventsRepository,
  RunHistoryRepository,
  RunsRepository,
  RunStartOutboxRepository,
  runMigrations,
  SchedulesRepository,
  SecretsRepository,
  UsersRepository,
  WebhookDeliveriesRepository,
} from '@flowmate/db';
import { Global, Module, type Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { APP_CONFIG } from './app-config.provider';

/** Postgres that is briefly down at boot (a restart, a failover) delays the API by up to a minute instead of failing it. */
const CONNECT_RETRY = { retryAttempts: 20, retryDelay: 3_000 };

const REPOSITORIES = [
  ApprovalsRepository,
  UsersRepository,
  AuthTokensRepository,
  AgentsRepository,
  RunsRepository,
  RunStartOutboxRepository,
  RunHistoryRepository,
  RunEventsRepository,
  CircuitBreakersRepository,
  CredentialsRepository,
  SecretsRepository,
  OAuthStatesRepository,
  WebhookDeliveriesRepository,
  SchedulesRepository,
  AuditEventsRepository,
  ApiKeysRepository,
];

const repositoryProviders: Provider[] = REPOSITORIES.map((Repository) => ({
  provide: Repository,
  inject: [DataSource],
  useFactory: (db: DataSource) => new Repository(db),
}));

/** Connects to Postgres and applies pending migrations before anything serves; the worker shares `dataSourceOptions` without Nest. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.database), ...CONNECT_RETRY }),
      dataSourceFactory: async (options) => {
        // What useFactory returned; the library types it optional.
        const db = await new DataSource(options as DataSourceOptions).initialize();
        await runMigrations(db);
        return db;
      },
    }),
  ],
  providers: repositoryProviders,
  exports: REPOSITORIES,
})
export class DatabaseModule {}
