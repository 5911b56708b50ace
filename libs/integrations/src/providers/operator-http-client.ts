import { GuardedHttpClient } from '../http/guarded-http-client';

/**
 * An HTTP client for an operator-configured API base URL: its host is allowed even when private (a
 * self-hosted server, a test fake), which is safe because nothing a user sends can change that URL.
 */
export function operatorHttpClient(baseUrl: string): GuardedHttpClient {
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return new GuardedHttpClient({ allowedHosts: [`${url.hostname}:${port}`], maxRedirects: 0 });
}

/** A JSON error body's fields, when the body is JSON. */
export function jsonOf(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
