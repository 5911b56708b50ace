import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findOnPath, isExecutable, toolCacheDir } from './tool-cache';

const run = promisify(execFile);

export const K6_MODULE = 'go.k6.io/k6/v2';
export const K6_VERSION = 'v2.2.0';

/**
 * k6, in order: on PATH, in the project's cache, or built there once with Go. Not with `go install`: for
 * that the module proxy must list the module's versions (a deprecation check), and the proxy these
 * machines reach lists none for k6, so the exact version is downloaded and built inside its module.
 */
export async function resolveK6(log: (message: string) => void = () => undefined): Promise<string> {
  const onPath = findOnPath('k6');
  if (onPath) return onPath;
  const cacheDir = toolCacheDir();
  const cached = join(cacheDir, 'bin', 'k6');
  if (isExecutable(cached)) return cached;
  const go = findOnPath('go');
  if (!go) throw new Error(`k6 is neither on PATH nor in ${cacheDir}/bin, and Go is not on PATH to build it`);
  log(`Building k6 ${K6_VERSION} once with Go into ${cacheDir}/bin (about 3 minutes the first time)…`);
  const { stdout } = await run(go, ['mod', 'download', '-json', `${K6_MODULE}@${K6_VERSION}`], { maxBuffer: 1 << 20 });
  const moduleDir = (JSON.parse(stdout) as { Dir: string }).Dir;
  await run(go, ['build', '-o', cached, '.'], { cwd: moduleDir, maxBuffer: 16 << 20 });
  return cached;
}
