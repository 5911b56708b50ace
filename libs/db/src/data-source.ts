import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DataSourceOptions {
  url: string;
  /** Connections in the pool; the API and the worker size theirs differently. */
  poolSize?: number;
}

/** The one description of FlowMate's database: the API (through @nestjs/typeorm) and the worker share it. */
export function dataSourceOptions({ url, poolSize = 10 }: DataSourceOptions): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    extra: { max: poolSize },
  };
}

export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}

/** Applies pending migrations; `pg_advisory_lock` keeps two booting replicas from racing. */
export async function runMigrations(dataSource: DataSource): Promise<void> {
  const lockId = 7_231_996;
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [lockId]);
    await dataSource.runMigrations();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [lockId]).catch(() => undefined);
    await runner.release();
  }
}
