import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EphemeralServerExecutable } from '@temporalio/testing/lib/ephemeral-server';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeExit, startManagedProcess, type ManagedProcess, type ProcessExit } from './managed-process';
import { freePort } from './ports';
import { findOnPath, goInstall, isExecutable, toolCacheDir } from './tool-cache';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

/** What the SDK's launcher enables too: no version check calls out, and workflow updates work. */
const DYNAMIC_CONFIG = [
  'frontend.enableServerVersionCheck=false',
  'frontend.enableUpdateWorkflowExecution=true',
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
];

const CLI_SEARCH_ATTRIBUTE_TYPES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export interface TemporalDevServer {
  address: string;
  uiUrl?: string;
  /** Settles if the server exits, expected or not (only for a server this process runs itself). */
  exited?: Promise<ProcessExit>;
  stop(): Promise<void>;
}

export interface TemporalDevServerOptions {
  /** gRPC port; a free one when absent. */
  port?: number;
  /** Web UI port; no UI when absent. */
  uiPort?: number;
  /** SQLite file that keeps history across restarts; in memory when absent. */
  dbFilename?: string;
  /** Where the Web UI sends encrypted payloads to be decoded (FlowMate's `/codec`). */
  uiCodecEndpoint?: string;
  /** Custom search attributes to register at start. */
  searchAttributes: SearchAttributeKey<SearchAttributeType>[];
  log: (message: string) => void;
}

/**
 * The Temporal CLI, in order: on PATH, in the project's cache, built there once with Go,
 * or downloaded by the SDK's dev-server support where the network allows it.
 */
export async function resolveTemporalExecutable(log: (message: string) => void): Promise<EphemeralServerExecutable> {
  const cacheDir = toolCacheDir();
  const onPath = findOnPath('temporal');
  if (onPath) return { type: 'existing-path', path: onPath };
  const cached = join(cacheDir, 'bin', 'temporal');
  if (isExecutable(cached)) return { type: 'existing-path', path: cached };
  if (findOnPath('go')) {
    log(`Building the Temporal CLI once with Go into ${cacheDir}/bin (a few minutes the first time)…`);
    return { type: 'existing-path', path: await goInstall(TEMPORAL_CLI_MODULE, 'temporal', cacheDir) };
  }
  log('No Temporal CLI on PATH or in the cache and no Go: asking the Temporal SDK to download the dev server…');
  return { type: 'cached-download', downloadDir: cacheDir };
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const executable = await resolveTemporalExecutable(options.log);
  try {
    return executable.type === 'existing-path' ? await runCli(executable.path, options) : await runDownloaded(executable, options);
  } catch (error) {
    throw new Error(
      `Could not start the Temporal dev server (${(error as Error).message}).\n` +
        'Options: put the `temporal` CLI on PATH, install Go so it can be built with ' +
        `\`go install ${TEMPORAL_CLI_MODULE}\` into ${toolCacheDir()}/bin, ` +
        'or set TEMPORAL_ADDRESS to a running Temporal server.',
    );
  }
}

/**
 * The CLI as a process of our own, registered the moment it spawns (so a stop at any point of start-up
 * stops it) and given a minute to serve: on a busy 2-core machine it can take longer than the 5 s the
 * SDK's own launcher allows.
 */
async function runCli(path: string, options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const port = options.port ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  const output: string[] = [];
  const server = await startManagedProcess({
    name: 'Temporal dev server',
    command: path,
    args: devServerArgs(port, options),
    onLine: (line) => {
      output.push(line);
      if (output.length > 20) output.shift();
    },
  });
  try {
    await waitUntilServing(address, server, output);
  } catch (error) {
    await server.stop(STOP_GRACE_MS);
    throw error;
  }
  return {
    address,
    uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined,
    exited: server.exited,
    stop: async () => {
      await server.stop(STOP_GRACE_MS);
    },
  };
}

function devServerArgs(port: number, options: TemporalDevServerOptions): string[] {
  return [
    ...['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', 'default'],
    ...['--log-format', 'pretty', '--log-level', 'error'],
    ...(options.uiPort !== undefined ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...(options.dbFilename ? ['--db-filename', options.dbFilename] : []),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
    ...options.searchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_SEARCH_ATTRIBUTE_TYPES[key.type]}`]),
    ...DYNAMIC_CONFIG.flatMap((setting) => ['--dynamic-config-value', setting]),
  ];
}

async function waitUntilServing(address: string, server: ManagedProcess, output: string[]): Promise<void> {
  let exit: ProcessExit | undefined;
  void server.exited.then((result) => (exit = result));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exit) throw new Error(`it ${describeExit(exit)} while starting${output.length ? `:\n${output.join('\n')}` : ''}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`it did not serve on ${address} within ${READY_TIMEOUT_MS / 1000} s: ${(error as Error).message}`);
    }
    await sleep(200);
  }
}

/** Where no CLI can be found or built: the SDK downloads one and runs it itself. */
async function runDownloaded(executable: EphemeralServerExecutable, options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable,
      ip: '127.0.0.1',
      port: options.port,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      dbFilename: options.dbFilename,
      searchAttributes: options.searchAttributes,
      log: { format: 'pretty', level: 'error' },
    },
  });
  return {
    address: env.address,
    uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined,
    stop: () => env.teardown(),
  };
}
