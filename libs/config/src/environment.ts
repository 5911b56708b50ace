import { DEFAULT_TASK_QUEUE } from '@flowmate/contracts';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';

/** http(s) only, any host (loopback and single-label names included, for self-hosted servers and tests). */
const API_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** An optional text setting. */
const OptionalSetting = (): PropertyDecorator => (target, property) => {
  IsOptional()(target, property);
  IsString()(target, property);
};

/** An optional http(s) URL setting. */
const OptionalUrl = (): PropertyDecorator => (target, property) => {
  IsOptional()(target, property);
  IsUrl(API_URL)(target, property);
};

/** Which process validates: the API needs auth settings the worker never reads. */
export type ProcessRole = 'api' | 'worker';

const toInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value);

/** A whole number from the environment, at least `min` and, when given, at most `max`. */
const IntSetting =
  (min: number, max?: number): PropertyDecorator =>
  (target, property) => {
    for (const rule of [Transform(toInt), IsInt(), Min(min), ...(max === undefined ? [] : [Max(max)])]) rule(target, property);
  };

/** The environment variables FlowMate reads, validated once at boot. */
export class Environment {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV = 'development';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @Matches(/^[^\s:]+:\d+$/, { message: 'TEMPORAL_ADDRESS must be host:port' })
  TEMPORAL_ADDRESS = '127.0.0.1:7233';

  @IsString()
  TEMPORAL_NAMESPACE = 'default';

  @IsString()
  TEMPORAL_TASK_QUEUE = DEFAULT_TASK_QUEUE;

  @IsUrl({ require_tld: false, require_protocol: true })
  TEMPORAL_UI_URL = 'http://127.0.0.1:8233';

  /** Path of the PEM client certificate Temporal's mTLS asks for; goes with TEMPORAL_TLS_KEY. */
  @OptionalSetting()
  TEMPORAL_TLS_CERT?: string;

  /** Path of the PEM private key of TEMPORAL_TLS_CERT. */
  @OptionalSetting()
  TEMPORAL_TLS_KEY?: string;

  /** Path of a PEM CA bundle trusted for Temporal's server certificate instead of the system roots. */
  @OptionalSetting()
  TEMPORAL_TLS_CA?: string;

  /** The name Temporal's server certificate is checked against (and sent as SNI) instead of TEMPORAL_ADDRESS's host. */
  @OptionalSetting()
  TEMPORAL_TLS_SERVER_NAME?: string;

  /** Temporal Cloud API key, sent as `Authorization: Bearer …`; implies TLS. */
  @OptionalSetting()
  TEMPORAL_API_KEY?: string;

  @IsString()
  HTTP_TOOL_ALLOWED_HOSTS = '';

  /** Off only in tests that are not about rate limits; refused in production. */
  @IsIn(['true', 'false'], { groups: ['api'], message: 'RATE_LIMITS_ENABLED must be true or false' })
  RATE_LIMITS_ENABLED = 'true';

  /** Requests per minute from one client address, signed in or not. */
  @IntSetting(1)
  RATE_LIMIT_IP_PER_MINUTE = 1200;

  /** Requests per minute from one client address to the sign-in routes (`/auth`, `/auth/verify`, `/auth/refresh`). */
  @IntSetting(1)
  RATE_LIMIT_AUTH_IP_PER_MINUTE = 30;

  /** Sign-in links per hour for one e-mail address. */
  @IntSetting(1)
  RATE_LIMIT_AUTH_EMAIL_PER_HOUR = 10;

  /** Express's `trust proxy`: the proxies whose X-Forwarded-For names the client (e.g. `1`, `loopback, 10.0.0.0/8`); none by default. */
  @OptionalSetting()
  TRUST_PROXY?: string;

  /** Origins whose browser pages may call the API (CORS); none by default. */
  @IsString({ groups: ['api'] })
  ALLOWED_ORIGINS = '';

  @IntSetting(1, 65_535)
  PORT = 3000;

  /** Loopback by default; containers set 0.0.0.0. */
  @IsString()
  HOST = '127.0.0.1';

  /** `<kid>:<secret>,…`: the access tokens' signing keys, so they rotate; replaces JWT_SECRET. */
  @OptionalSetting()
  JWT_KEYS?: string;

  /** The key new access tokens are signed with; optional when JWT_KEYS holds one key. */
  @OptionalSetting()
  JWT_CURRENT_KEY_ID?: string;

  /** One signing key (id `primary`), for an installation that does not rotate. */
  @OptionalSetting()
  JWT_SECRET?: string;

  @IsString()
  JWT_ISSUER = 'flowmate';

  @IsString()
  JWT_AUDIENCE = 'flowmate-api';

  @IntSetting(60, 86_400)
  JWT_ACCESS_TTL_SECONDS = 900;

  @IntSetting(300)
  REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

  @IntSetting(60, 86_400)
  MAGIC_LINK_TTL_SECONDS = 900;

  /** `GET /runs/:id` shows inputs and outputs up to this size whole, larger ones as the head of their JSON. */
  @IntSetting(256)
  RUN_OUTPUT_PREVIEW_BYTES = 16_384;

  /** How often the API checks that Temporal's Schedules match the stored ones (0: only at startup). */
  @IntSetting(0, 86_400)
  SCHEDULE_RECONCILE_INTERVAL_SECONDS = 300;

  /** `smtp` (production) or `response` (development: the token comes back in the body); unset: not delivered. */
  @IsOptional()
  @IsIn(['smtp', 'response'], { message: 'AUTH_MAGIC_LINK_DELIVERY must be "smtp" or "response"' })
  AUTH_MAGIC_LINK_DELIVERY?: 'smtp' | 'response';

  /** `smtp://user:password@host:587` or `smtps://…:465`: the mail server sign-in links go through. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['smtp', 'smtps'] }, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** The sender of sign-in mail, e.g. `FlowMate <no-reply@flowmate.example>`. */
  @OptionalSetting()
  MAIL_FROM?: string;

  /** Where people open FlowMate: the base of sign-in links (never taken from a request's Host header). */
  @OptionalUrl()
  PUBLIC_APP_URL?: string;

  @OptionalSetting()
  WORKFLOW_BUNDLE_PATH?: string;

  /** The worker's `/metrics` and `/health/*`, on `HOST`; 0 takes any free port (tests run several workers). */
  @IntSetting(0, 65_535)
  WORKER_METRICS_PORT = 9464;

  /** Longer than a tool activity's start-to-close, so a deploy lets in-flight calls finish. */
  @IntSetting(0)
  WORKER_SHUTDOWN_GRACE_SECONDS = 150;

  /** How long a deleted agent stays restorable in the trash before the maintenance job purges it. */
  @IntSetting(1, 3650)
  AGENT_TRASH_RETENTION_DAYS = 30;

  /** Finished runs older than this are purged, with their steps, outputs and events. */
  @IntSetting(1, 36500)
  RUN_RETENTION_DAYS = 90;

  /** Audit events older than this are purged. */
  @IntSetting(1, 36500)
  AUDIT_RETENTION_DAYS = 365;

  @IntSetting(100)
  DATABASE_CONNECT_TIMEOUT_MS = 5_000;

  @IntSetting(100)
  DATABASE_STATEMENT_TIMEOUT_MS = 10_000;

  @OptionalSetting()
  OPENAI_API_KEY?: string;

  /** Any OpenAI-compatible server (OpenAI, Azure, Ollama, vLLM, LM Studio); OpenAI's own when unset. */
  @OptionalUrl()
  OPENAI_BASE_URL?: string;

  /** The model (or comma-separated fallback chain) of a model call whose definition names none. */
  @OptionalSetting()
  OPENAI_MODEL?: string;

  /** A JSON list of OpenAI-compatible providers `{name, baseUrl?, apiKey?, models?}`; OPENAI_* adds one named `openai`. */
  @OptionalSetting()
  MODEL_PROVIDERS?: string;

  /** A 429 whose Retry-After is at most this is waited out on the same model; a longer one moves to the next model of the chain. */
  @IntSetting(0)
  MODEL_RATE_LIMIT_WAIT_SECONDS = 10;

  /** Consecutive retryable failures of one provider or integration host that open its circuit breaker… */
  @IntSetting(1)
  CIRCUIT_BREAKER_FAILURES = 5;

  /** …when they all fall within this many seconds… */
  @IntSetting(1)
  CIRCUIT_BREAKER_WINDOW_SECONDS = 60;

  /** …for this long, after which one probe call may close it again. */
  @IntSetting(1)
  CIRCUIT_BREAKER_COOLDOWN_SECONDS = 30;

  /** `<id>:<base64 32-byte key>,…`: AES-256-GCM keys of stored connections and secrets; `npm start` generates one. */
  @IsString({ message: 'CREDENTIALS_KEYS is required: <id>:<base64 of 32 random bytes>[,…]' })
  CREDENTIALS_KEYS!: string;

  /** The key new ciphertexts are made with; optional when CREDENTIALS_KEYS holds one key. */
  @OptionalSetting()
  CREDENTIALS_CURRENT_KEY_ID?: string;

  /** `<id>:<base64 32-byte key>,…`: AES-256-GCM keys of Temporal payloads (inputs, results, failures); `npm start` generates one. */
  @IsString({ message: 'PAYLOAD_KEYS is required: <id>:<base64 of 32 random bytes>[,…]' })
  PAYLOAD_KEYS!: string;

  /** The key new payloads are encrypted with; optional when PAYLOAD_KEYS holds one key. */
  @OptionalSetting()
  PAYLOAD_CURRENT_KEY_ID?: string;

  @IsUrl(API_URL)
  GITHUB_API_URL = 'https://api.github.com';

  @IsUrl(API_URL)
  GITHUB_OAUTH_URL = 'https://github.com';

  @IsUrl(API_URL)
  GOOGLE_API_URL = 'https://www.googleapis.com';

  @IsUrl(API_URL)
  GOOGLE_OAUTH_URL = 'https://accounts.google.com';

  @IsUrl(API_URL)
  SLACK_API_URL = 'https://slack.com/api/';

  @IsUrl(API_URL)
  X_API_URL = 'https://api.x.com';

  @IsUrl(API_URL)
  INSTAGRAM_API_URL = 'https://graph.instagram.com/v21.0';

  /** OAuth apps: all three of a provider's, or none (then that provider connects with a pasted token only). */
  @OptionalSetting()
  GITHUB_CLIENT_ID?: string;

  @OptionalSetting()
  GITHUB_CLIENT_SECRET?: string;

  @OptionalUrl()
  GITHUB_REDIRECT_URI?: string;

  @OptionalSetting()
  GOOGLE_CLIENT_ID?: string;

  @OptionalSetting()
  GOOGLE_CLIENT_SECRET?: string;

  @OptionalUrl()
  GOOGLE_REDIRECT_URI?: string;

  @OptionalSetting()
  SLACK_CLIENT_ID?: string;

  @OptionalSetting()
  SLACK_CLIENT_SECRET?: string;

  @OptionalUrl()
  SLACK_REDIRECT_URI?: string;

  /** When set, the API's and the worker's `GET /metrics` need `Authorization: Bearer <this>` (Prometheus's `authorization` setting). */
  @IsOptional()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** The secret of the GitHub webhook (HMAC-SHA256 of each delivery); without it POST /webhooks/github answers 503. */
  @IsOptional()
  @MinLength(16, { message: 'GITHUB_WEBHOOK_SECRET must be at least 16 characters' })
  GITHUB_WEBHOOK_SECRET?: string;

  /** Where the OAuth callback sends the browser once a connection is stored; without it the callback answers JSON. */
  @OptionalUrl()
  OAUTH_RETURN_URL?: string;

  /** Comma-separated failpoints that freeze the worker where a test kills it; NODE_ENV=test only. */
  @OptionalSetting()
  TEST_FAILPOINTS?: string;
}
