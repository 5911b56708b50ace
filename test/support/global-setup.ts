// Jest loads this file outside its module mapper, hence the path into libs/ instead of the alias.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { SEARCH_ATTRIBUTES } from '../../libs/contracts/src/workflows';
import { startEmbeddedPostgres } from '../../scripts/dev-stack/postgres-server';
import { startTemporalDevServer } from '../../scripts/dev-stack/temporal-server';
import { adminDatabaseUrl } from './database-url';
import { freePort } from '../../scripts/dev-stack/ports';

type Stop = () => Promise<void>;
const log = (message: string): void => void process.stderr.write(`${message}\n`);

/**
 * One Temporal dev server for the whole run, unless TEMPORAL_ADDRESS names one; a Postgres to make
 * test databases on: the configured or local one, else an embedded one, so `npm test` needs no setup;
 * and `npm run build`, once, for the tests that run the built launcher and worker as real processes.
 */
export default async function globalSetup(): Promise<void> {
  const stops: Stop[] = [];
  (globalThis as { __stopTestServers__?: Stop[] }).__stopTestServers__ = stops;
  const build = buildOnce();

  if (!process.env.TEMPORAL_ADDRESS) {
    const temporal = await startTemporalDevServer({ searchAttributes: Object.values(SEARCH_ATTRIBUTES), log });
    process.env.TEMPORAL_ADDRESS = temporal.address;
    stops.push(() => temporal.stop());
  }

  if (!(await accepts(adminDatabaseUrl()))) {
    log(`No Postgres at ${adminDatabaseUrl()}; starting an embedded one for the tests…`);
    const dataDir = await mkdtemp(join(tmpdir(), 'flowmate-test-pg-'));
    // mkdtemp makes it private; as root, Postgres runs as `nobody`.
    await chmod(dataDir, 0o755);
    const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), log });
    process.env.TEST_DATABASE_URL = postgres.url;
    stops.push(async () => {
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
  }
  await build;
}

async function buildOnce(): Promise<void> {
  const root = join(__dirname, '..', '..');
  try {
    await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm run build failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

async function accepts(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
