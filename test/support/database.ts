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
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.end();
  }
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
