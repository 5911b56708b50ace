import type { IntegrationProvider } from '@flowmate/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parseAllowedHosts } from './allowed-hosts';
import { parseAllowedOrigins } from './allowed-origins';
import { Environment, type ProcessRole } from './environment';
import { parseCredentialKeys, type CredentialKeys } from './credential-keys';
import { parseJwtKeys, type JwtKeys } from './jwt-keys';
import { parsePayloadKeys, type PayloadKeys } from './payload-keys';
import { parseMagicLinkDelivery, type MagicLinkDelivery } from './magic-link-delivery';
import { parseDefaultModelChain, parseModelProviders, type ModelProviderConfig } from './model-providers';
import { parseTemporalTls, type TemporalTls } from './temporal-connection';

/** An OAuth app registered with a provider. */
export interface OAuthAppConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  logLevel: string;
  database: { url: string; connectTimeoutMs: number; statementTimeoutMs: number };
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    uiUrl: string;
    /** Unset: plaintext. */
    tls?: TemporalTls;
    apiKey?: string;
  };
  /** Normalised `host:port` entries the http.request tool may reach although private. */
  tools: { httpAllowedHosts: string[] };
  models: {
    /** Empty when no model server is configured. */
    providers: ModelProviderConfig[];
    /** The chain a model call uses when its definition names none (`OPENAI_MODEL`). */
    defaultChain: string[];
    rateLimitWaitMs: number;
  };
  /** Operator-set: users never change where integration calls go. */
  integrations: {
    endpoints: Record<IntegrationProvider, string>;
    oauth: {
      github: { oauthUrl: string; app?: OAuthAppConfig };
      google: { oauthUrl: string; app?: OAuthAppConfig };
      slack: { apiUrl: string; app?: OAuthAppConfig };
    };
    /** Where the OAuth callback redirects once connected; it answers JSON without one. */
    oauthReturnUrl?: string;
    /** Verifies GitHub webhook deliveries; webhooks are off without it. */
    githubWebhookSecret?: string;
  };
  /** Keys of the AES-256-GCM encryption of stored connections and secrets. */
  credentials: CredentialKeys;
  /** Keys of the AES-256-GCM payload codec: what Temporal stores of runs is encrypted with them. */
  payloadKeys: PayloadKeys;
  /** Per model provider and integration host, in each worker process. */
  circuitBreaker: { failureThreshold: number; windowMs: number; coolDownMs: number };
  worker: {
    workflowBundlePath?: string;
    shutdownGraceSeconds: number;
    /** How long the maintenance job keeps what it purges: trashed agents, finished runs, audit events. */
    retentionDays: { agentTrash: number; runs: number; auditEvents: number };
    /** Armed only in tests: where the worker freezes so a test can kill its process there. */
    failpoints: string[];
  };
  api: {
    host: string;
    port: number;
    /** Empty in the worker, which never signs nor verifies access tokens. */
    jwt: { keys: JwtKeys; issuer: string; audience: string; accessTtlSeconds: number };
    refreshTokenTtlSeconds: number;
    magicLink: { ttlSeconds: number; delivery: MagicLinkDelivery };
    outputPreviewBytes: number;
    /** How often Temporal's Schedules are checked against the stored ones; 0 checks only at startup. */
    scheduleReconcileIntervalSeconds: number;
    /** Origins allowed to call the API from a browser (CORS); empty: none. */
    allowedOrigins: string[];
    /** Off only in tests; the tiers' own limits are in the API's rate-limit policy. */
    rateLimits: { enabled: boolean; ipPerMinute: number; authIpPerMinute: number; authEmailPerHour: number };
    /** Express's `trust proxy` setting, when the API runs behind proxies. */
    trustProxy?: string;
  };
  metrics: {
    /** The bearer token both processes' `GET /metrics` ask for; open without it. */
    token?: string;
    /** Where the worker serves `/metrics` and `/health/*`. */
    workerPort: number;
  };
}

/** The worker neither signs people in nor checks their tokens. */
const NO_JWT_KEYS: JwtKeys = { currentKeyId: '', keys: {} };
const NO_DELIVERY: MagicLinkDelivery = { kind: 'none' };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates the environment once; every bad or missing variable is named in one error. */
export function loadConfig(role: ProcessRole, source: NodeJS.ProcessEnv = process.env): AppConfig {
  const env = plainToInstance(Environment, withoutEmptyValues(source), { exposeDefaultValues: true });
  const problems = validateSync(env, { groups: [role], always: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => (message.startsWith(error.property) ? message : `${error.property}: ${message}`)),
  );
  if (env.RATE_LIMITS_ENABLED === 'false' && env.NODE_ENV === 'production') problems.push('RATE_LIMITS_ENABLED=false is refused when NODE_ENV=production');
  if (env.TEST_FAILPOINTS && env.NODE_ENV !== 'test') problems.push('TEST_FAILPOINTS freezes the worker on purpose; it is accepted only when NODE_ENV=test');
  const httpAllowedHosts = parseOrReport(() => parseAllowedHosts(env.HTTP_TOOL_ALLOWED_HOSTS), problems) ?? [];
  const allowedOrigins = parseOrReport(() => parseAllowedOrigins(env.ALLOWED_ORIGINS), problems) ?? [];
  const credentials = parseOrReport(() => parseCredentialKeys(env.CREDENTIALS_KEYS, env.CREDENTIALS_CURRENT_KEY_ID), problems);
  const payloadKeys = parseOrReport(() => parsePayloadKeys(env.PAYLOAD_KEYS, env.PAYLOAD_CURRENT_KEY_ID), problems);
  const magicLinkDelivery =
    role === 'api'
      ? parseOrReport(
          () =>
            parseMagicLinkDelivery({ nodeEnv: env.NODE_ENV, delivery: env.AUTH_MAGIC_LINK_DELIVERY, smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, publicAppUrl: env.PUBLIC_APP_URL }),
          problems,
        )
      : NO_DELIVERY;
  const jwtKeys =
    role === 'api' ? parseOrReport(() => parseJwtKeys({ keys: env.JWT_KEYS, currentKeyId: env.JWT_CURRENT_KEY_ID, secret: env.JWT_SECRET }), problems) : NO_JWT_KEYS;
  const oauthApps = {
    github: oauthApp('GITHUB', env.GITHUB_CLIENT_ID, env.GITHUB_CLIENT_SECRET, env.GITHUB_REDIRECT_URI, problems),
    google: oauthApp('GOOGLE', env.GOOGLE_CLIENT_ID, env.GOOGLE_CLIENT_SECRET, env.GOOGLE_REDIRECT_URI, problems),
    slack: oauthApp('SLACK', env.SLACK_CLIENT_ID, env.SLACK_CLIENT_SECRET, env.SLACK_REDIRECT_URI, problems),
  };
  const temporalTls = parseTemporalTls(
    { certPath: env.TEMPORAL_TLS_CERT, keyPath: env.TEMPORAL_TLS_KEY, caPath: env.TEMPORAL_TLS_CA, serverName: env.TEMPORAL_TLS_SERVER_NAME, apiKey: env.TEMPORAL_API_KEY },
    problems,
  );
  const providers =
    parseOrReport(() => parseModelProviders({ providers: env.MODEL_PROVIDERS, openAiApiKey: env.OPENAI_API_KEY, openAiBaseUrl: env.OPENAI_BASE_URL }), problems) ?? [];
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n- ${problems.join('\n- ')}`);

  return {
    env: env.NODE_ENV as AppConfig['env'],
    logLevel: env.LOG_LEVEL,
    database: { url: env.DATABASE_URL, connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS, statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      uiUrl: env.TEMPORAL_UI_URL.replace(/\/$/, ''),
      tls: temporalTls,
      apiKey: env.TEMPORAL_API_KEY,
    },
    tools: { httpAllowedHosts },
    models: { providers, defaultChain: parseDefaultModelChain(env.OPENAI_MODEL), rateLimitWaitMs: env.MODEL_RATE_LIMIT_WAIT_SECONDS * 1000 },
    integrations: {
      endpoints: {
        github: env.GITHUB_API_URL,
        google: env.GOOGLE_API_URL,
        slack: env.SLACK_API_URL,
        x: env.X_API_URL,
        instagram: env.INSTAGRAM_API_URL,
      },
      oauth: {
        github: { oauthUrl: env.GITHUB_OAUTH_URL, ...oauthApps.github },
        google: { oauthUrl: env.GOOGLE_OAUTH_URL, ...oauthApps.google },
        slack: { apiUrl: env.SLACK_API_URL, ...oauthApps.slack },
      },
      oauthReturnUrl: env.OAUTH_RETURN_URL,
      githubWebhookSecret: env.GITHUB_WEBHOOK_SECRET,
    },
    credentials: credentials as CredentialKeys,
    payloadKeys: payloadKeys as PayloadKeys,
    circuitBreaker: {
      failureThreshold: env.CIRCUIT_BREAKER_FAILURES,
      windowMs: env.CIRCUIT_BREAKER_WINDOW_SECONDS * 1000,
      coolDownMs: env.CIRCUIT_BREAKER_COOLDOWN_SECONDS * 1000,
    },
    worker: {
      workflowBundlePath: env.WORKFLOW_BUNDLE_PATH,
      shutdownGraceSeconds: env.WORKER_SHUTDOWN_GRACE_SECONDS,
      retentionDays: { agentTrash: env.AGENT_TRASH_RETENTION_DAYS, runs: env.RUN_RETENTION_DAYS, auditEvents: env.AUDIT_RETENTION_DAYS },
      failpoints: (env.TEST_FAILPOINTS ?? '').split(',').map((name) => name.trim()).filter(Boolean),
    },
    api: {
      host: env.HOST,
      port: env.PORT,
      jwt: { keys: jwtKeys as JwtKeys, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS },
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
      magicLink: { ttlSeconds: env.MAGIC_LINK_TTL_SECONDS, delivery: magicLinkDelivery as MagicLinkDelivery },
      outputPreviewBytes: env.RUN_OUTPUT_PREVIEW_BYTES,
      scheduleReconcileIntervalSeconds: env.SCHEDULE_RECONCILE_INTERVAL_SECONDS,
      allowedOrigins,
      rateLimits: {
        enabled: env.RATE_LIMITS_ENABLED === 'true',
        ipPerMinute: env.RATE_LIMIT_IP_PER_MINUTE,
        authIpPerMinute: env.RATE_LIMIT_AUTH_IP_PER_MINUTE,
        authEmailPerHour: env.RATE_LIMIT_AUTH_EMAIL_PER_HOUR,
      },
      trustProxy: env.TRUST_PROXY,
    },
    metrics: { token: env.METRICS_TOKEN, workerPort: env.WORKER_METRICS_PORT },
  };
}

/** A provider's OAuth app: its three settings together, or none of them. */
function oauthApp(prefix: string, clientId: string | undefined, clientSecret: string | undefined, redirectUri: string | undefined, problems: string[]): { app?: OAuthAppConfig } {
  if (clientId && clientSecret && redirectUri) return { app: { clientId, clientSecret, redirectUri } };
  if (clientId || clientSecret || redirectUri) problems.push(`${prefix}_CLIENT_ID, ${prefix}_CLIENT_SECRET and ${prefix}_REDIRECT_URI go together: set all three or none`);
  return {};
}

function parseOrReport<T>(parse: () => T, problems: string[]): T | undefined {
  try {
    return parse();
  } catch (error) {
    problems.push((error as Error).message);
    return undefined;
  }
}

function withoutEmptyValues(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}
