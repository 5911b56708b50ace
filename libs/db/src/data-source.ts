import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DataSourceOptions {
  url: string;
  /** Connections in the pool; the API and the worker size theirs differently. */
  poolSize?: number;
  /** Opening a connection fails after this long, so a caller retries instead of hanging on a dead server. */
  connectTimeoutMs?: number;
  /** Postgres cancels a statement running longer, so no connection is held by a stuck one. */
  statementTimeoutMs?: number;
}

/** The one description of FlowMate's database: the API (through @nestjs/typeorm) and the worker share it. */
export function dataSourceOptions({ url, poolSize = 10, connectTimeoutMs = 5_000, statementTimeoutMs = 10_000 }: DataSourceOptions): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    connectTimeoutMS: connectTimeoutMs,
    extra: { max: poolSize, statement_timeout: statementTimeoutMs },
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
    // Waiting for another replica's migrations may take longer than one statement may.
    await runner.query('SET statement_timeout = 0');
    await runner.query('SELECT pg_advisory_lock($1)', [lockId]);
    await dataSource.runMigrations();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [lockId]).catch(() => undefined);
    await runner.release();
  }
}
