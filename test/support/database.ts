import { createDataSource, runMigrations } from '@flowmate/db';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { adminDatabaseUrl } from './database-url';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database per test file, so runs never collide and leave nothing behind. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `flowmate_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function withAdmin(work: (admin: Client) => Promise<unknown>): Promise<void> {
  await withDatabase(adminDatabaseUrl(), work);
}

/** One connection to `url` for `work`, closed whatever happens: for tests and benchmarks that run the built processes. */
export async function withDatabase<T>(url: string, work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

/** A user no per-user limit or run quota applies to, for load tests; only Postgres sets a tier. */
export async function makeUnlimited(databaseUrl: string, email: string): Promise<void> {
  await withDatabase(databaseUrl, (db) => db.query(`UPDATE users SET tier = 'unlimited' WHERE email = $1`, [email]));
}

export interface MigratedDatabase {
  db: DataSource;
  close(): Promise<void>;
}

/** A throwaway database with the schema applied, for repository and activity tests. */
export async function openMigratedDatabase(poolSize = 4): Promise<MigratedDatabase> {
  const database = await createTestDatabase();
  const db = await createDataSource({ url: database.url, poolSize }).initialize();
  await runMigrations(db);
  return {
    db,
    close: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}
