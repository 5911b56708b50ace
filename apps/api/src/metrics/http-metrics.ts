import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';
import { routeTemplateOf } from '../core/route-template';

/** Seconds; from a cache hit to a slow run start. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Counts every answered request by method, route template (`/api/v1/agents/:id`, never the ids, which
 * would make one series per object) and status, with its duration. Requests that matched no route, or
 * were refused before routing (a 413, a 429 at the door), count under `unmatched`.
 */
export function httpMetrics(registry: Registry): RequestHandler {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
  const duration = new Histogram({ name: 'http_request_duration_seconds', help: 'Time to answer an HTTP request', labelNames, buckets: DURATION_BUCKETS, registers: [registry] });
  return (request: Request, response: Response, next: NextFunction) => {
    const stop = duration.startTimer();
    response.on('finish', () => {
      const labels = { method: request.method, route: routeTemplateOf(request), status: String(response.statusCode) };
      requests.inc(labels);
      stop(labels);
    });
    next();
  };
}
