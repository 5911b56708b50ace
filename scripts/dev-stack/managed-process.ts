import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcessOptions {
  /** Used in messages: "API exited with code 1". */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as another user (Postgres refuses to run as root). */
  user?: { uid: number; gid: number };
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Asked first on stop, then `force` after the grace period. */
  stopSignals?: { graceful: NodeJS.Signals; force: NodeJS.Signals };
}

export interface ManagedProcess {
  readonly pid: number;
  /** Settles when the process has exited, whoever caused it. */
  readonly exited: Promise<ProcessExit>;
  stop(graceMs: number): Promise<ProcessExit>;
}

const running = new Set<ManagedProcess>();

/**
 * Children run in their own process group so Ctrl+C in the terminal reaches only the launcher,
 * which then stops them in order. The price: the launcher must never exit and leave them behind.
 */
process.on('exit', () => {
  for (const child of running) killGroup(child.pid, 'SIGKILL');
});

export async function startManagedProcess(options: ManagedProcessOptions): Promise<ManagedProcess> {
  const signals = options.stopSignals ?? { graceful: 'SIGTERM', force: 'SIGKILL' };
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    uid: options.user?.uid,
    gid: options.user?.gid,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`Could not start ${options.name} (${options.command}): ${error.message}`)));
  });
  if (options.onLine) {
    forwardLines(child.stdout, (line) => options.onLine?.(line, 'stdout'));
    forwardLines(child.stderr, (line) => options.onLine?.(line, 'stderr'));
  }

  const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const managed: ManagedProcess = {
    pid: child.pid as number,
    exited,
    async stop(graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signals.graceful);
      const timer = setTimeout(() => child.kill(signals.force), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
  running.add(managed);
  void exited.then(() => running.delete(managed));
  return managed;
}

export function describeExit(exit: ProcessExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

function forwardLines(stream: Readable, onLine: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
