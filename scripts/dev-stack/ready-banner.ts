import { relative } from 'node:path';
import type { PostgresSetup, StackConfig } from './stack-config';

export interface RunningStack {
  config: StackConfig;
  temporalAddress: string;
  temporalUiUrl?: string;
}

/** The block printed once everything answers. */
export function formatReadyBanner({ config, temporalAddress, temporalUiUrl }: RunningStack): string {
  const api = `http://127.0.0.1:${config.apiPort}`;
  const temporal =
    config.temporal.kind === 'dev-server'
      ? `${temporalAddress} (dev server, history in ${relative(config.root, config.temporal.dbFilename)})`
      : `external Temporal at ${temporalAddress}`;
  const rows: Array<[string, string]> = [
    ['API', `${api}/api/v1`],
    ['OpenAPI', `${api}/docs`],
    ['Metrics', `${api}/metrics (API), http://127.0.0.1:${config.workerMetricsPort}/metrics (worker)`],
    ['Temporal Web UI', temporalUiUrl ?? 'not known (set TEMPORAL_UI_URL)'],
    ['Temporal', temporal],
    ['Postgres', describePostgres(config.postgres, config.root)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return ['', 'FlowMate is running', ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), '', 'Press Ctrl+C to stop.', ''].join('\n');
}

function describePostgres(postgres: PostgresSetup, root: string): string {
  if (postgres.kind === 'embedded') {
    return `embedded at 127.0.0.1:${postgres.port} (data and password in ${relative(root, postgres.dataDir)})`;
  }
  return `${maskPassword(postgres.url)} (from DATABASE_URL)`;
}

export function maskPassword(databaseUrl: string): string {
  const url = URL.canParse(databaseUrl) ? new URL(databaseUrl) : undefined;
  if (!url || !/^postgres(ql)?:$/.test(url.protocol)) return '(not shown: not a postgres:// URL)';
  if (url.password) url.password = '****';
  return url.toString();
}
