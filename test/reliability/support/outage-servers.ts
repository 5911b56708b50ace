import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEARCH_ATTRIBUTES } from '@flowmate/contracts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../scripts/dev-stack/postgres-server';
import { freePort } from '../../../scripts/dev-stack/ports';
import { startTemporalDevServer, type TemporalDevServer } from '../../../scripts/dev-stack/temporal-server';

/**
 * A server a drill may stop and start again: on a port and data of its own, never the suite's shared
 * Temporal dev server or the machine's Postgres. Restarting keeps the port and the data.
 */
export interface OutageServer {
  /** A Postgres URL or a Temporal `host:port`; the same across restarts. */
  address: string;
  port: number;
  /** Stops it as an outage would; `start` brings it back on the same port and data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it if running and removes its data. */
  destroy(): Promise<void>;
}

const log = (message: string): void => {
  if (process.env.DRILL_VERBOSE) process.stderr.write(`${message}\n`);
};

/** A private folder `nobody` can enter (as root, Postgres runs as `nobody`). */
async function dataDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

/** An embedded Postgres of the drill's own. */
export async function startOwnPostgres(): Promise<OutageServer> {
  const dir = await dataDir('flowmate-drill-pg-');
  const port = await freePort();
  let server: EmbeddedPostgres | undefined = await startEmbeddedPostgres({ dataDir: dir, port, log });
  const url = server.url;
  return {
    address: url,
    port,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server ??= await startEmbeddedPostgres({ dataDir: dir, port, log });
    },
    async destroy() {
      await server?.stop();
      server = undefined;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A Temporal dev server of the drill's own (history and schedules in a SQLite file), on a port chosen now and started only when the drill says so. */
export async function ownTemporalNotYetStarted(): Promise<OutageServer> {
  const dir = await dataDir('flowmate-drill-temporal-');
  const port = await freePort();
  const options = { port, dbFilename: join(dir, 'temporal.db'), searchAttributes: Object.values(SEARCH_ATTRIBUTES), log };
  let server: TemporalDevServer | undefined;
  return {
    address: `127.0.0.1:${port}`,
    port,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server ??= await startTemporalDevServer(options);
    },
    async destroy() {
      await server?.stop();
      server = undefined;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A Temporal dev server of the drill's own, keeping history and schedules in a SQLite file. */
export async function startOwnTemporal(): Promise<OutageServer> {
  const temporal = await ownTemporalNotYetStarted();
  await temporal.start();
  return temporal;
}
