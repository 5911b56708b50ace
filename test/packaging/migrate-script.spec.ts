import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { MIGRATIONS } from '../../libs/db/src/migrations';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ROOT } from './repository-files';

const MIGRATE_SCRIPT = 'dist/scripts/migrate.js';

/** The migration Job's command, with only what the Job's ConfigMap and Secret would give it. */
const migrate = (databaseUrl: string): Promise<{ stdout: string }> =>
  promisify(execFile)(process.execPath, [join(ROOT, MIGRATE_SCRIPT)], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      CREDENTIALS_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      PAYLOAD_KEYS: `p1:${randomBytes(32).toString('base64')}`,
    },
  });

async function appliedMigrations(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM migrations');
    return Number(rows[0].count);
  } finally {
    await client.end();
  }
}

describe(`the migration Job's command (${MIGRATE_SCRIPT})`, () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(() => database.drop());

  it('applies every migration to an empty database, then exits', async () => {
    const { stdout } = await migrate(database.url);

    expect(stdout).toContain('database migrations applied');
    expect(await appliedMigrations(database.url)).toBe(MIGRATIONS.length);
  });

  it('changes nothing when run again', async () => {
    await migrate(database.url);

    expect(await appliedMigrations(database.url)).toBe(MIGRATIONS.length);
  });

  it('stops with the variable at fault when the configuration is incomplete', async () => {
    await expect(migrate('mysql://nowhere')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('DATABASE_URL must be a postgres:// URL') });
  });
});
