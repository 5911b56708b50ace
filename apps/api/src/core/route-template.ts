import type { IncomingMessage } from 'node:http';

/** What Express routed a request by, e.g. `/api/v1/agents/:id` (never the ids); `unmatched` when no route took it. */
export function routeTemplateOf(request: IncomingMessage): string {
  const { route, baseUrl } = request as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
  return typeof route?.path === 'string' ? `${baseUrl ?? ''}${route.path}` : 'unmatched';
}
