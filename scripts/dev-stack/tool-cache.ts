import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where the project keeps tools it builds once (Temporal CLI, k6), outside the clone so CI reuses them. */
export function toolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLOWMATE_CACHE_DIR ?? join(homedir(), '.cache', 'flowmate');
}

export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, command))
    .find(isExecutable);
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `go install <module>@<version>` into `<cache>/bin`; resolves to the built binary. */
export async function goInstall(modulePath: string, binary: string, cacheDir: string): Promise<string> {
  const go = findOnPath('go');
  if (!go) throw new Error('Go is not on PATH');
  const bin = join(cacheDir, 'bin');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', modulePath], {
      env: { ...process.env, GOBIN: bin },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install ${modulePath} exited with ${code}`))));
  });
  return join(bin, binary);
}
