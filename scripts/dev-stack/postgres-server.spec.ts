import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './ports';
import { assertPortFree } from './ports';
import { runnableBinDir, startEmbeddedPostgres, type EmbeddedPostgres, type RunAs } from './postgres-server';

const isRoot = process.getuid?.() === 0;

describe(startEmbeddedPostgres.name, () => {
  let root: string;
  let dataDir: string;
  let sut: EmbeddedPostgres | undefined;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'flowmate-pg-'));
    // mkdtemp makes the folder private; as root, Postgres runs as `nobody`, which must be able to enter it.
    await chmod(root, 0o755);
    dataDir = join(root, 'postgres');
  });

  afterEach(async () => {
    await sut?.stop();
    sut = undefined;
    await rm(root, { recursive: true, force: true });
  });

  it('initialises a cluster once, serves the flowmate database, and reuses the data after a restart', async () => {
    const port = await freePort();
    const log = jest.fn();

    sut = await startEmbeddedPostgres({ dataDir, port, log });
    expect(sut.url).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${port}/flowmate$`));
    await query(sut.url, 'create table kept (value text)');
    await query(sut.url, 'insert into kept values ($1)', ['survives restarts']);
    await sut.stop();
    await expect(assertPortFree(port, 'stopped Postgres')).resolves.toBeUndefined();

    log.mockClear();
    sut = await startEmbeddedPostgres({ dataDir, port, log });

    expect(log).not.toHaveBeenCalledWith(expect.stringContaining('Initialising'));
    expect(await query(sut.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    expect(await query(sut.url, 'select value from kept')).toEqual([{ value: 'survives restarts' }]);
    expect((await stat(join(dataDir, 'password'))).mode & 0o777).toBe(0o600);
  });

  it('refuses a password-less connection', async () => {
    sut = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: () => undefined });
    const withoutPassword = sut.url.replace(/:[^:@/]+@/, '@');

    await expect(query(withoutPassword, 'select 1')).rejects.toThrow(/password/);
  });

  (isRoot ? it : it.skip)('keeps the cluster where the unprivileged user can reach it when the project folder is private', async () => {
    await chmod(root, 0o700);
    const rootDataHome = join(root, '..', `${basename(root)}-home`);
    const log = jest.fn();
    try {
      sut = await startEmbeddedPostgres({ dataDir, port: await freePort(), log, rootDataHome });
      await query(sut.url, 'create table kept (value text)');
      await sut.stop();
      sut = await startEmbeddedPostgres({ dataDir, port: await freePort(), log, rootDataHome });

      expect(await query(sut.url, 'select count(*)::int as tables from pg_tables where tablename = $1', ['kept'])).toEqual([{ tables: 1 }]);
      const [relocated] = await readdir(rootDataHome);
      expect(log).toHaveBeenCalledWith(`nobody, who runs Postgres as this is root, cannot enter ${root}: the embedded cluster lives in ${join(rootDataHome, relocated)}`);
      expect(await readdir(join(rootDataHome, relocated))).toEqual(expect.arrayContaining(['pgdata', 'password']));
    } finally {
      await sut?.stop();
      sut = undefined;
      await rm(rootDataHome, { recursive: true, force: true });
    }
  });
});

async function query(url: string, sql: string, params?: unknown[]): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe(runnableBinDir.name, () => {
  const nobody: RunAs = { name: 'nobody', uid: 65534, gid: 65534 };
  let privateRoot: string;

  beforeEach(async () => {
    privateRoot = await mkdtemp(join(tmpdir(), 'flowmate-private-'));
    await mkdir(join(privateRoot, 'pkg', 'native', 'bin'), { recursive: true });
    await writeFile(join(privateRoot, 'pkg', 'package.json'), JSON.stringify({ version: `0.0.0-test-${process.pid}` }));
    await writeFile(join(privateRoot, 'pkg', 'native', 'bin', 'postgres'), '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(join(privateRoot, 'pkg', 'native', 'bin', 'initdb'), '#!/bin/sh\n', { mode: 0o755 });
  });
  afterEach(async () => {
    await rm(privateRoot, { recursive: true, force: true });
    await rm(join(tmpdir(), `flowmate-postgres-${process.platform}-${process.arch}-0.0.0-test-${process.pid}`), { recursive: true, force: true });
  });

  it('uses the binaries where they are when the unprivileged user can reach them', async () => {
    await chmod(privateRoot, 0o755);
    const bin = join(privateRoot, 'pkg', 'native', 'bin');

    await expect(runnableBinDir(bin, nobody)).resolves.toBe(bin);
  });

  it('stages them once, executable, where the unprivileged user can reach them', async () => {
    const bin = join(privateRoot, 'pkg', 'native', 'bin');

    const staged = await runnableBinDir(bin, nobody);

    expect(staged).toBe(join(tmpdir(), `flowmate-postgres-${process.platform}-${process.arch}-0.0.0-test-${process.pid}`, 'bin'));
    expect((await stat(join(staged, 'postgres'))).mode & 0o111).toBe(0o111);
    await expect(runnableBinDir(bin, nobody)).resolves.toBe(staged);
  });

  it('refuses a staged copy that others could have changed', async () => {
    const bin = join(privateRoot, 'pkg', 'native', 'bin');
    const staged = await runnableBinDir(bin, nobody);
    await chmod(join(staged, 'postgres'), 0o777);

    await expect(runnableBinDir(bin, nobody)).rejects.toThrow(/others can change it; remove .* and start again/);
  });

  it('needs no staging when not root', async () => {
    const bin = join(privateRoot, 'pkg', 'native', 'bin');
    await expect(runnableBinDir(bin, undefined)).resolves.toBe(bin);
  });
});
