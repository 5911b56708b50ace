import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '../../scripts/dev-stack/ports';
import { pollUntil } from './poll';

const API_ENTRY = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');

/**
 * What `loadConfig('api')` requires beyond the database and Temporal: fresh keys, sign-in tokens handed
 * back, no rate limits and no schedule reconciling. Give every process of one installation the same ones.
 */
export function apiProcessSettings(): Record<string, string> {
  return {
    TEMPORAL_TASK_QUEUE: `api-process-${randomUUID()}`,
    JWT_SECRET: randomBytes(32).toString('base64'),
    CREDENTIALS_KEYS: `test:${randomBytes(32).toString('base64')}`,
    PAYLOAD_KEYS: `test:${randomBytes(32).toString('base64')}`,
    AUTH_MAGIC_LINK_DELIVERY: 'response',
    RATE_LIMITS_ENABLED: 'false',
    SCHEDULE_RECONCILE_INTERVAL_SECONDS: '0',
  };
}

export interface ApiProcess {
  process: ChildProcess;
  port: number;
  baseUrl: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL unless it has exited already, then waits for the exit. */
  kill(): Promise<void>;
}

/**
 * The built API (`npm run build`, done by the jest global setup) as a real process on a port of its own,
 * once `/health/live` answers; `env` must carry what `loadConfig('api')` requires.
 */
export async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [API_ENTRY], { env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env, PORT: String(port) } });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const baseUrl = `http://127.0.0.1:${port}`;
  const live = await pollUntil(
    () => fetch(`${baseUrl}/health/live`).then((response) => response.status, () => 0),
    (status) => status === 200 || child.exitCode !== null,
    60_000,
  );
  if (live !== 200) throw new Error(`the API process did not answer:\n${output}`);
  return {
    process: child,
    port,
    baseUrl,
    output: () => output,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
