import { DEFAULT_TASK_QUEUE } from '@flowmate/contracts';
import { join } from 'node:path';

export type TemporalSetup =
  | { kind: 'external'; address: string; uiUrl?: string }
  | { kind: 'dev-server'; port: number; uiPort: number; dbFilename: string; uiUrl?: string };

export type PostgresSetup = { kind: 'external'; url: string } | { kind: 'embedded'; port: number; dataDir: string };

/** What `npm start` runs, read from the environment the user gave it. */
export interface StackConfig {
  root: string;
  dataDir: string;
  apiPort: number;
  /** The worker's `/metrics` and `/health/*`. */
  workerMetricsPort: number;
  nodeEnv: string;
  jwtSecret?: string;
  /** Signing keys that rotate; with them no JWT_SECRET is generated. */
  jwtKeys?: string;
  credentialsKeys?: string;
  payloadKeys?: string;
  temporal: TemporalSetup;
  temporalNamespace: string;
  temporalTaskQueue: string;
  postgres: PostgresSetup;
  /** Development lets the http.request tool call this API itself, so the README walkthrough needs no internet. */
  httpToolAllowedHosts: string;
  /** Development hands sign-in tokens back in the response, so the walkthrough needs no e-mail. */
  magicLinkDelivery?: string;
}

export function readStackConfig(root: string, env: NodeJS.ProcessEnv): StackConfig {
  const dataDir = given(env.FLOWMATE_DATA_DIR) ?? join(root, '.data');
  const uiUrl = given(env.TEMPORAL_UI_URL);
  const temporalAddress = given(env.TEMPORAL_ADDRESS);
  const databaseUrl = given(env.DATABASE_URL);
  const apiPort = port(env, 'PORT', 3000);
  const nodeEnv = given(env.NODE_ENV) ?? 'development';
  return {
    root,
    dataDir,
    apiPort,
    workerMetricsPort: port(env, 'WORKER_METRICS_PORT', 9464),
    nodeEnv,
    jwtSecret: given(env.JWT_SECRET),
    jwtKeys: given(env.JWT_KEYS),
    credentialsKeys: given(env.CREDENTIALS_KEYS),
    payloadKeys: given(env.PAYLOAD_KEYS),
    temporal: temporalAddress
      ? { kind: 'external', address: temporalAddress, uiUrl }
      : {
          kind: 'dev-server',
          port: port(env, 'TEMPORAL_PORT', 7233),
          uiPort: port(env, 'TEMPORAL_UI_PORT', 8233),
          dbFilename: join(dataDir, 'temporal.db'),
          uiUrl,
        },
    temporalNamespace: given(env.TEMPORAL_NAMESPACE) ?? 'default',
    temporalTaskQueue: given(env.TEMPORAL_TASK_QUEUE) ?? DEFAULT_TASK_QUEUE,
    postgres: databaseUrl
      ? { kind: 'external', url: databaseUrl }
      : { kind: 'embedded', port: port(env, 'EMBEDDED_POSTGRES_PORT', 5433), dataDir: join(dataDir, 'postgres') },
    httpToolAllowedHosts: env.HTTP_TOOL_ALLOWED_HOSTS ?? (nodeEnv === 'development' ? `127.0.0.1:${apiPort}` : ''),
    magicLinkDelivery: given(env.AUTH_MAGIC_LINK_DELIVERY) ?? (nodeEnv === 'development' ? 'response' : undefined),
  };
}

function given(value: string | undefined): string | undefined {
  return value?.trim() ? value.trim() : undefined;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = given(env[name]);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > 65_535) throw new Error(`${name} must be a port number (1-65535), got "${value}"`);
  return parsed;
}
