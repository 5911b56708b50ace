import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EphemeralServerExecutable } from '@temporalio/testing/lib/ephemeral-server';
import { join } from 'node:path';
import { findOnPath, goInstall, isExecutable, toolCacheDir } from './tool-cache';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export interface TemporalDevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

export interface TemporalDevServerOptions {
  /** gRPC port; a free one when absent. */
  port?: number;
  /** Web UI port; no UI when absent. */
  uiPort?: number;
  /** SQLite file that keeps history across restarts; in memory when absent. */
  dbFilename?: string;
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
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
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
  } catch (error) {
    throw new Error(
      `Could not start the Temporal dev server (${(error as Error).message}).\n` +
        'Options: put the `temporal` CLI on PATH, install Go so it can be built with ' +
        `\`go install ${TEMPORAL_CLI_MODULE}\` into ${toolCacheDir()}/bin, ` +
        'or set TEMPORAL_ADDRESS to a running Temporal server.',
    );
  }
  return {
    address: env.address,
    uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined,
    stop: () => env.teardown(),
  };
}
