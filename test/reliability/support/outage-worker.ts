import type { AppConfig } from '@flowmate/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { keyringSetting } from '../../support/key-settings';
import { logLinesOf } from '../../support/worker-process';

const WORKER_ENTRY = join(__dirname, '..', '..', '..', 'dist', 'apps', 'worker', 'src', 'main.js');

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
  const child = spawn(process.execPath, [WORKER_ENTRY], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      DATABASE_URL: config.database.url,
      TEMPORAL_ADDRESS: config.temporal.address,
      TEMPORAL_NAMESPACE: config.temporal.namespace,
      TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
      HTTP_TOOL_ALLOWED_HOSTS: config.tools.httpAllowedHosts.join(','),
      CREDENTIALS_KEYS: keyringSetting(config.credentials),
      PAYLOAD_KEYS: keyringSetting(config.payloadKeys),
      PAYLOAD_CURRENT_KEY_ID: config.payloadKeys.currentKeyId,
      CREDENTIALS_CURRENT_KEY_ID: config.credentials.currentKeyId,
      WORKER_METRICS_PORT: String(telemetryPort),
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    telemetryUrl: `http://127.0.0.1:${telemetryPort}`,
    output: () => output,
    logged: (msg) => logLinesOf(output).filter((line) => line.msg === msg),
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
