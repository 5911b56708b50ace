import { loadConfig } from '@flowmate/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../scripts/dev-stack/ports';
import { apiProcessSettings, startApiProcess, type ApiProcess } from '../../test/support/api-process';
import { pollUntil } from '../../test/support/poll';
import { spawnWorkerProcess, type WorkerProcess } from '../../test/support/worker-process';
import { waitForTaskQueuePoller } from '../../scripts/dev-stack/readiness';

const BARE_DIR = join(__dirname, '..', '..', 'dist', 'performance', 'bench');

export interface BenchProcess {
  pid: number;
  stop(): Promise<void>;
}

export interface FlowMateProcesses {
  api: ApiProcess;
  worker: Omit<WorkerProcess, 'telemetryUrl'>;
  /** What the API was started with: the bare HTTP server verifies the same tokens. */
  settings: Record<string, string>;
}

/**
 * FlowMate's built API and worker with production's features on (rate limits, payload encryption), but
 * for what a benchmark must change: a per-address limit no load here reaches, logs at `warn` (the bare
 * baselines log nothing), and `NODE_ENV=test`, whose sign-in hands the token back instead of mailing it. `overrides` change the API's settings for a lever under test. Both workers,
 * FlowMate's and the bare one, keep the SDK's defaults.
 */
export async function startFlowMate(databaseUrl: string, temporalAddress: string, overrides: Record<string, string>): Promise<FlowMateProcesses> {
  const settings: Record<string, string> = {
    ...apiProcessSettings(),
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    RATE_LIMITS_ENABLED: 'true',
    RATE_LIMIT_IP_PER_MINUTE: '100000000',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  const api = await startApiProcess(settings);
  const worker = spawnWorkerProcess(loadConfig('api', settings), { LOG_LEVEL: 'warn' });
  await untilPolled(temporalAddress, settings.TEMPORAL_TASK_QUEUE);
  return { api, worker, settings };
}

export async function startBareWorker(temporalAddress: string, taskQueue: string): Promise<BenchProcess> {
  const child = spawnNode(join(BARE_DIR, 'bare-temporal', 'worker.js'), { TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_TASK_QUEUE: taskQueue });
  await untilPolled(temporalAddress, taskQueue);
  return asBenchProcess(child);
}

export async function startBareHttp(databaseUrl: string, jwtSecret: string): Promise<BenchProcess & { url: string }> {
  const port = await freePort();
  const child = spawnNode(join(BARE_DIR, 'bare-http', 'server.js'), { DATABASE_URL: databaseUrl, PORT: String(port), JWT_SECRET: jwtSecret });
  await untilPrinted(child, 'listening');
  return { ...asBenchProcess(child), url: `http://127.0.0.1:${port}` };
}

const untilPolled = (address: string, taskQueue: string): Promise<void> =>
  waitForTaskQueuePoller({ address, namespace: 'default', taskQueue }, { timeoutMs: 60_000, signal: new AbortController().signal });

function spawnNode(entry: string, env: Record<string, string>): ChildProcess & { output: string } {
  const child = Object.assign(spawn(process.execPath, [entry], { env: { PATH: process.env.PATH, NODE_ENV: 'production', ...env } }), { output: '' });
  child.stdout?.on('data', (chunk: Buffer) => (child.output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (child.output += chunk.toString()));
  return child;
}

async function untilPrinted(child: ChildProcess & { output: string }, line: string): Promise<void> {
  const output = await pollUntil(async () => child.output, (text) => text.includes(line) || child.exitCode !== null, 60_000);
  if (!output.includes(line)) throw new Error(`a bench process did not print "${line}":\n${output}`);
}

function asBenchProcess(child: ChildProcess): BenchProcess {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid as number,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
