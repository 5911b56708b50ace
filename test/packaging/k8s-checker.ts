import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findOnPath, isExecutable, toolCacheDir } from '../../scripts/dev-stack/tool-cache';
import { ROOT } from './repository-files';

const CHECKER_DIR = join(ROOT, 'k8s', 'checker');

export interface CheckerRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Changes with any of the checker's sources or its pinned modules, and only then. */
function checkerSourceHash(): string {
  const hash = createHash('sha256');
  const sources = readdirSync(CHECKER_DIR)
    .filter((name) => name.endsWith('.go') || name === 'go.mod' || name === 'go.sum')
    .sort();
  for (const name of sources) hash.update(name).update('\0').update(readFileSync(join(CHECKER_DIR, name))).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/**
 * The checker binary, built once per source version into the project's tool cache (kept by CI across fresh clones).
 * Go modules come from the module proxy on the first build; no binary is downloaded.
 */
export async function ensureChecker(): Promise<string> {
  const binDir = join(toolCacheDir(), 'bin');
  const binary = join(binDir, `flowmate-k8s-check-${checkerSourceHash()}`);
  if (isExecutable(binary)) return binary;

  const go = findOnPath('go');
  if (!go) throw new Error('Go is not on PATH: the manifest checker (k8s/checker) is built with it');
  mkdirSync(binDir, { recursive: true });
  // Built under a private name and renamed, so a parallel build never leaves a half-written binary in place.
  const partial = `${binary}.${process.pid}.partial`;
  await promisify(execFile)(go, ['build', '-o', partial, '.'], { cwd: CHECKER_DIR });
  renameSync(partial, binary);
  return binary;
}

export async function runChecker(binary: string, files: string[]): Promise<CheckerRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(binary, files, { cwd: ROOT });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failure.code !== 'number') throw error;
    return { exitCode: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}
