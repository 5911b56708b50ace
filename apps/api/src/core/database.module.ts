import type { AppConfig } from '@flowmate/config';
import { AgentsRepository, AuthTokensRepository, createDataSource, RunsRepository, runMigrations, UsersRepository } from '@flowmate/db';
import { Global, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from './app-config.provider';

const REPOSITORIES = [UsersRepository, AuthTokensRepository, AgentsRepository, RunsRepository];

const repositoryProviders: Provider[] = REPOSITORIES.map((Repository) => ({
  provide: Repository,
  inject: [DataSource],
  useFactory: (db: DataSource) => new Repository(db),
}));

/** Connects to Postgres and applies pending migrations before anything serves. */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const db = await createDataSource({ url: config.database.url }).initialize();
        await runMigrations(db);
        return db;
      },
    },
    ...repositoryProviders,
  ],
  exports: [DataSource, ...REPOSITORIES],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(private readonly db: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}
