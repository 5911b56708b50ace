import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTemporalExecutable, startTemporalDevServer } from './temporal-server';

describe(resolveTemporalExecutable.name, () => {
  const saved = { PATH: process.env.PATH, FLOWMATE_CACHE_DIR: process.env.FLOWMATE_CACHE_DIR };
  let scratch: string;
  const log = jest.fn();

  const executable = (path: string): string => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
    return path;
  };

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'temporal-cli-'));
    process.env.FLOWMATE_CACHE_DIR = join(scratch, 'cache');
    process.env.PATH = join(scratch, 'empty-bin');
  });
  afterEach(() => {
    process.env.PATH = saved.PATH;
    process.env.FLOWMATE_CACHE_DIR = saved.FLOWMATE_CACHE_DIR;
    rmSync(scratch, { recursive: true, force: true });
  });

  it('prefers a temporal on PATH', async () => {
    const onPath = executable(join(scratch, 'bin', 'temporal'));
    executable(join(scratch, 'cache', 'bin', 'temporal'));
    process.env.PATH = join(scratch, 'bin');

    await expect(resolveTemporalExecutable(log)).resolves.toEqual({ type: 'existing-path', path: onPath });
  });

  it('then the one built into the cache', async () => {
    const cached = executable(join(scratch, 'cache', 'bin', 'temporal'));

    await expect(resolveTemporalExecutable(log)).resolves.toEqual({ type: 'existing-path', path: cached });
  });

  it('falls back to the SDK download, and says so, with neither a binary nor Go', async () => {
    await expect(resolveTemporalExecutable(log)).resolves.toEqual({ type: 'cached-download', downloadDir: join(scratch, 'cache') });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('download'));
  });

  it('turns a dev server that cannot start into a message with the options, not a stack trace', async () => {
    writeFileSync(executable(join(scratch, 'bin', 'temporal')), '#!/bin/sh\nexit 1\n');
    process.env.PATH = join(scratch, 'bin');

    await expect(startTemporalDevServer({ searchAttributes: [], log })).rejects.toThrow(
      /Could not start the Temporal dev server[\s\S]*Options: put the `temporal` CLI on PATH[\s\S]*TEMPORAL_ADDRESS/,
    );
  });
});
