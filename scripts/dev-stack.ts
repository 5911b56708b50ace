import { SEARCH_ATTRIBUTES } from '@flowmate/contracts';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadOrCreateCredentialsKeys, loadOrCreateJwtSecret, loadOrCreatePayloadKeys } from './dev-stack/kept-secrets';
import { describeExit, startManagedProcess, type ProcessExit } from './dev-stack/managed-process';
import { assertPortFree } from './dev-stack/ports';
import { startEmbeddedPostgres } from './dev-stack/postgres-server';
import { formatReadyBanner, type RunningStack } from './dev-stack/ready-banner';
import { waitForHttpOk, waitForTaskQueuePoller } from './dev-stack/readiness';
import { readStackConfig, type StackConfig } from './dev-stack/stack-config';
import { startTemporalDevServer } from './dev-stack/temporal-server';

const APP_STOP_GRACE_MS = 10_000;
const INFRASTRUCTURE_STOP_TIMEOUT_MS = 20_000;
const API_READY_TIMEOUT_MS = 120_000;
const WORKER_READY_TIMEOUT_MS = 90_000;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

interface DevStackOptions {
  root: string;
  env: NodeJS.ProcessEnv;
}

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

/** What was started so far, stopped in two waves: the apps first, while what they talk to is still up. */
interface Started {
  apps: Stoppable[];
  infrastructure: Stoppable[];
}

class ShutdownRequested extends Error {}

/** Runs until a signal (resolves 0) or a failure (prints one message, resolves 1). */
async function runDevStack(options: DevStackOptions): Promise<number> {
  const lifetime = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (lifetime.signal.aborted) return say('Still stopping…');
    say(`${signal} received, stopping…`);
    lifetime.abort(new ShutdownRequested(signal));
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);

  const started: Started = { apps: [], infrastructure: [] };
  let failure: unknown;
  try {
    const running = await startStack(options, started, lifetime);
    console.log(formatReadyBanner(running));
    await untilAborted(lifetime.signal);
  } catch (error) {
    failure = error;
  }
  const reason: unknown = lifetime.signal.aborted ? lifetime.signal.reason : failure;
  if (!(reason instanceof ShutdownRequested)) lifetime.abort(reason);

  await stopAll(started.apps);
  await stopAll(started.infrastructure, INFRASTRUCTURE_STOP_TIMEOUT_MS);
  for (const signal of SIGNALS) process.off(signal, onSignal);

  if (reason instanceof ShutdownRequested) {
    say('Stopped.');
    return 0;
  }
  console.error(`[stack] ${reason instanceof Error ? reason.message : String(reason)}`);
  return 1;
}

async function startStack(options: DevStackOptions, started: Started, lifetime: AbortController): Promise<RunningStack> {
  const config = readStackConfig(options.root, options.env);
  const apiEntry = builtEntry(options.root, 'dist/apps/api/src/main.js');
  const workerEntry = builtEntry(options.root, 'dist/apps/worker/src/main.js');
  await mkdir(config.dataDir, { recursive: true });
  await assertPortsFree(config);
  const jwtSigning = config.jwtKeys ? {} : { JWT_SECRET: config.jwtSecret ?? (await loadOrCreateJwtSecret(join(config.dataDir, 'jwt-secret'))) };
  const credentialsKeys = config.credentialsKeys ?? (await loadOrCreateCredentialsKeys(join(config.dataDir, 'credentials-keys')));
  const payloadKeys = config.payloadKeys ?? (await loadOrCreatePayloadKeys(join(config.dataDir, 'payload-keys')));

  // Both start in parallel; allSettled so one failing cannot leave the other running unregistered.
  const [temporal, databaseUrl] = await allOrFirstError([startTemporal(config, started, lifetime), startPostgres(config, started, lifetime)]);
  lifetime.signal.throwIfAborted();

  const env: NodeJS.ProcessEnv = {
    ...options.env,
    NODE_ENV: config.nodeEnv,
    PORT: String(config.apiPort),
    WORKER_METRICS_PORT: String(config.workerMetricsPort),
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    ...jwtSigning,
    CREDENTIALS_KEYS: credentialsKeys,
    PAYLOAD_KEYS: payloadKeys,
    HTTP_TOOL_ALLOWED_HOSTS: config.httpToolAllowedHosts,
    ...(config.magicLinkDelivery ? { AUTH_MAGIC_LINK_DELIVERY: config.magicLinkDelivery } : {}),
    ...(temporal.uiUrl ? { TEMPORAL_UI_URL: temporal.uiUrl } : {}),
  };
  const watch = { options, env, started, lifetime };

  say('Starting the API (it applies migrations before it listens)…');
  await startApp({ prefix: 'api', name: 'API' }, apiEntry, watch);
  await waitForHttpOk(`http://127.0.0.1:${config.apiPort}/health/ready`, { timeoutMs: API_READY_TIMEOUT_MS, signal: lifetime.signal });

  say('API ready; starting the worker…');
  await startApp({ prefix: 'worker', name: 'worker' }, workerEntry, watch);
  // An external Temporal may need TLS or an API key this launcher does not handle; the worker's own log tells.
  if (config.temporal.kind === 'dev-server') {
    const target = { address: temporal.address, namespace: config.temporalNamespace, taskQueue: config.temporalTaskQueue };
    await waitForTaskQueuePoller(target, { timeoutMs: WORKER_READY_TIMEOUT_MS, signal: lifetime.signal });
  }
  return { config, temporalAddress: temporal.address, temporalUiUrl: temporal.uiUrl };
}

function builtEntry(root: string, entry: string): string {
  const path = resolve(root, entry);
  if (!existsSync(path)) throw new Error(`${entry} is missing; run \`npm run build\` first (\`npm start\` does)`);
  return path;
}

async function assertPortsFree(config: StackConfig): Promise<void> {
  await assertPortFree(config.apiPort, 'API, set PORT');
  await assertPortFree(config.workerMetricsPort, 'worker metrics and health, set WORKER_METRICS_PORT');
  if (config.temporal.kind === 'dev-server') {
    await assertPortFree(config.temporal.port, 'Temporal gRPC, set TEMPORAL_PORT or TEMPORAL_ADDRESS');
    await assertPortFree(config.temporal.uiPort, 'Temporal Web UI, set TEMPORAL_UI_PORT');
  }
  if (config.postgres.kind === 'embedded') {
    await assertPortFree(config.postgres.port, 'embedded Postgres, set EMBEDDED_POSTGRES_PORT or DATABASE_URL');
  }
}

async function startTemporal(config: StackConfig, started: Started, lifetime: AbortController): Promise<{ address: string; uiUrl?: string }> {
  const setup = config.temporal;
  if (setup.kind === 'external') return { address: setup.address, uiUrl: setup.uiUrl };
  say(`Starting the Temporal dev server on 127.0.0.1:${setup.port} (Web UI ${setup.uiPort})…`);
  const server = await startTemporalDevServer({
    port: setup.port,
    uiPort: setup.uiPort,
    dbFilename: setup.dbFilename,
    // The UI decodes what the API encrypted through the API's codec endpoint, which serves the local UI without a token.
    uiCodecEndpoint: `http://127.0.0.1:${config.apiPort}/codec`,
    searchAttributes: Object.values(SEARCH_ATTRIBUTES),
    log: say,
  });
  started.infrastructure.push({ name: 'Temporal', stop: () => server.stop() });
  if (server.exited) abortOnExit('The Temporal dev server', server.exited, lifetime);
  return { address: server.address, uiUrl: setup.uiUrl ?? server.uiUrl };
}

async function startPostgres(config: StackConfig, started: Started, lifetime: AbortController): Promise<string> {
  const setup = config.postgres;
  if (setup.kind === 'external') return setup.url;
  say(`Starting embedded Postgres on 127.0.0.1:${setup.port}…`);
  const postgres = await startEmbeddedPostgres({ dataDir: setup.dataDir, port: setup.port, log: say });
  started.infrastructure.push({ name: 'Postgres', stop: () => postgres.stop() });
  abortOnExit('Embedded Postgres', postgres.exited, lifetime);
  return postgres.url;
}

async function startApp(
  { prefix, name }: { prefix: string; name: string },
  entry: string,
  { options, env, started, lifetime }: { options: DevStackOptions; env: NodeJS.ProcessEnv; started: Started; lifetime: AbortController },
): Promise<void> {
  const app = await startManagedProcess({
    name,
    command: process.execPath,
    args: [entry],
    cwd: options.root,
    env,
    onLine: (line, stream) => (stream === 'stderr' ? console.error : console.log)(`[${prefix}] ${line}`),
  });
  started.apps.push({
    name,
    stop: async () => {
      await app.stop(APP_STOP_GRACE_MS);
    },
  });
  abortOnExit(`The ${name}`, app.exited, lifetime);
}

/** An exit before shutdown began is a crash; after, `abort` is a no-op. */
function abortOnExit(what: string, exited: Promise<ProcessExit>, lifetime: AbortController): void {
  void exited.then((exit) => lifetime.abort(new Error(`${what} ${describeExit(exit)} unexpectedly`)));
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

async function allOrFirstError<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const rejected = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (rejected) throw rejected.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

async function stopAll(stoppables: Stoppable[], timeoutMs?: number): Promise<void> {
  if (stoppables.length === 0) return;
  say(`Stopping ${stoppables.map((stoppable) => stoppable.name).join(' and ')}…`);
  await Promise.all(
    stoppables.splice(0).map(async ({ name, stop }) => {
      try {
        await (timeoutMs ? withTimeout(stop(), timeoutMs, `${name} did not stop within ${timeoutMs / 1000} s`) : stop());
      } catch (error) {
        console.error(`[stack] Could not stop ${name}: ${(error as Error).message}`);
      }
    }),
  );
}

async function withTimeout(promise: Promise<void>, ms: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function say(message: string): void {
  console.log(`[stack] ${message}`);
}

if (require.main === module) {
  // A closed terminal must not turn the shutdown it triggered (SIGHUP) into a crash.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const crash = (error: unknown): never => {
    console.error(`[stack] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  void runDevStack({ root: resolve(__dirname, '..', '..'), env: process.env }).then((code) => process.exit(code));
}
