import type { AppConfig } from '@flowmate/config';
import type { ChildProcess } from 'node:child_process';
import { logLinesOf, spawnWorkerProcess } from '../../support/worker-process';

export interface SpawnedWorker {
  process: ChildProcess;
  /** Its `/health/*` and `/metrics` server, on the port given. */
  telemetryUrl: string;
  output(): string;
  /** The JSON log lines with this `msg`. */
  logged(msg: string): Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL unless it has exited. */
  kill(): Promise<void>;
}

/**
 * The built worker as a real process, returned as soon as it is spawned: unlike `startWorkerProcess`, it
 * does not wait for "worker polling", which a worker started before its servers only logs later.
 */
export function spawnWorker(config: AppConfig, telemetryPort: number, env: Record<string, string> = {}): SpawnedWorker {
  const { process: child, output, exited } = spawnWorkerProcess(config, { HOST: '127.0.0.1', WORKER_METRICS_PORT: String(telemetryPort), ...env });
  return {
    process: child,
    telemetryUrl: `http://127.0.0.1:${telemetryPort}`,
    output,
    logged: (msg) => logLinesOf(output()).filter((line) => line.msg === msg),
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
