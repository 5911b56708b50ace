import { GuardedHttpClient } from '../http/guarded-http-client';

const clients = new Map<string, GuardedHttpClient>();

/**
 * The HTTP client of an operator-configured API base URL, one per origin and process (its connection pool is
 * shared): its host is allowed even when private (a self-hosted server, a test fake), which is safe because
 * nothing a user sends can change that URL.
 */
export function operatorHttpClient(baseUrl: string): GuardedHttpClient {
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const hostPort = `${url.hostname}:${port}`;
  let client = clients.get(hostPort);
  if (!client) {
    client = new GuardedHttpClient({ allowedHosts: [hostPort], maxRedirects: 0 });
    clients.set(hostPort, client);
  }
  return client;
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
