import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { assertPortFree } from './ports';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './postgres-server';

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

  (isRoot ? it : it.skip)('explains when the unprivileged user cannot reach the data folder', async () => {
    await chmod(root, 0o700);

    await expect(startEmbeddedPostgres({ dataDir, port: await freePort(), log: () => undefined })).rejects.toThrow(
      `nobody cannot enter ${root}`,
    );
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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
