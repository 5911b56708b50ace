import { isCredentialName, isJsonObject, type JsonValue } from '@flowmate/contracts';

export const REDACTED = '[redacted]';

/**
 * A copy of a step's input fit for run history: values under keys that usually hold credentials
 * (headers such as Authorization, fields named *token*, *secret*, *password*) are replaced.
 */
export function redactSecrets(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, isCredentialName(key) ? REDACTED : redactSecrets(item)]));
  }
  return value;
}
