import type { AppConfig } from '@flowmate/config';
import { isCredentialName } from '@flowmate/contracts';
import pino, { type DestinationStream, type Logger } from 'pino';

const REDACTED = '[redacted]';

/**
 * The worker's structured log. Whatever the SDK or an activity logs, a field named like a credential
 * (Authorization, *token*, *secret*, *password*, apiKey) is written as `[redacted]`, at any depth.
 */
export function createWorkerLogger(config: Pick<AppConfig, 'logLevel'>, destination?: DestinationStream): Logger {
  return pino({ name: 'worker', level: config.logLevel, formatters: { log: (fields) => redactCredentials(fields) as Record<string, unknown> } }, destination);
}

function redactCredentials(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactCredentials);
  // Only plain objects: an Error or a Date keeps its own shape for pino's serializers.
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, isCredentialName(key) ? REDACTED : redactCredentials(item)]));
}
