import type { AppConfig } from '@flowmate/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pollUntil } from './poll';
import { keyringSetting } from './key-settings';

const WORKER_ENTRY = join(__dirname, '..', '..', 'dist', 'apps', 'worker', 'src', 'main.js');

export interface WorkerProcess {
  process: ChildProcess;
  /** Its `/metrics` and `/health/*` server, on a free port. */
  telemetryUrl: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The built worker as a process, returned as soon as it is spawned (a worker started before its servers polls only later). */
export function spawnWorkerProcess(config: AppConfig, env: Record<string, string> = {}): Omit<WorkerProcess, 'telemetryUrl'> {
  const child = spawn(process.execPath, [WORKER_ENTRY], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: config.database.url,
      TEMPORAL_ADDRESS: config.temporal.address,
      TEMPORAL_NAMESPACE: config.temporal.namespace,
      TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
      HTTP_TOOL_ALLOWED_HOSTS: config.tools.httpAllowedHosts.join(','),
      CREDENTIALS_KEYS: keyringSetting(config.credentials),
      PAYLOAD_KEYS: keyringSetting(config.payloadKeys),
      PAYLOAD_CURRENT_KEY_ID: config.payloadKeys.currentKeyId,
      CREDENTIALS_CURRENT_KEY_ID: config.credentials.currentKeyId,
      // Several workers run at once in a test.
      WORKER_METRICS_PORT: '0',
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, output: () => output, exited };
}

/**
 * The built worker (`npm run build`, done by the jest global setup) as a real process on a stack's
 * database and task queue, once it polls, so a test can kill it like a crash or a deploy would.
 */
export async function startWorkerProcess(config: AppConfig, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const spawned = spawnWorkerProcess(config, env);
  const polling = await pollUntil(async () => spawned.output(), (text) => text.includes('worker polling') || spawned.process.exitCode !== null, 30_000);
  const pollingLine = logLinesOf(polling).find((line) => line.msg === 'worker polling');
  if (!pollingLine) throw new Error(`the worker did not start polling:\n${polling}`);
  return { ...spawned, telemetryUrl: pollingLine.telemetry as string };
}

/** The JSON lines of a worker's output. */
export function logLinesOf(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
