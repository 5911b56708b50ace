import { mayScrape } from '@flowmate/observability';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const RUNTIME_SCRAPE_TIMEOUT_MS = 2_000;

export interface WorkerReadiness {
  status: 'ok' | 'unavailable';
  /** `RUNNING` once the worker polls; `STARTING` before it has connected, `DRAINING`/`STOPPING` on shutdown. */
  state: string;
  checks: { postgres: boolean; temporal: boolean };
}

export interface TelemetryServerOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /** Bearer token `/metrics` asks for; open without it. */
  metricsToken?: string;
  /** FlowMate's own metrics and the process's. */
  registry: Registry;
  /** The Temporal runtime's Prometheus exporter, on loopback: its text is served after the registry's. */
  runtimeMetricsUrl: string;
  readiness(): Promise<WorkerReadiness>;
}

export interface TelemetryServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The worker's HTTP face for Prometheus and the orchestrator: `/metrics` (FlowMate's and the Temporal SDK's
 * in one scrape, behind the same token), `/health/live` (the process answers) and `/health/ready` (it
 * polls, and Postgres and Temporal answer).
 */
export async function serveWorkerTelemetry(options: TelemetryServerOptions): Promise<TelemetryServer> {
  const server = createServer((request, response) => {
    answer(options, request, response).catch((error: Error) => {
      if (!response.headersSent) send(response, 500, 'application/json', JSON.stringify({ message: error.message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function answer(options: TelemetryServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://worker').pathname;
  if (request.method !== 'GET') return send(response, 405, 'application/json', JSON.stringify({ message: 'Only GET is served here' }));
  switch (path) {
    case '/health/live':
      return send(response, 200, 'application/json', JSON.stringify({ status: 'ok' }));
    case '/health/ready': {
      const readiness = await options.readiness();
      return send(response, readiness.status === 'ok' ? 200 : 503, 'application/json', JSON.stringify(readiness));
    }
    case '/metrics':
      if (!mayScrape(options.metricsToken, request.headers.authorization)) return send(response, 401, 'application/json', JSON.stringify({ message: 'Metrics need the configured bearer token' }));
      return send(response, 200, PROMETHEUS_TEXT, `${await options.registry.metrics()}\n${await runtimeMetrics(options.runtimeMetricsUrl)}`);
    default:
      return send(response, 404, 'application/json', JSON.stringify({ message: `No route ${path}` }));
  }
}

/** The SDK's series; a scrape still answers with FlowMate's when the exporter does not. */
async function runtimeMetrics(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(RUNTIME_SCRAPE_TIMEOUT_MS) });
    return response.ok ? await response.text() : `# the Temporal runtime's exporter answered ${response.status}\n`;
  } catch (error) {
    return `# the Temporal runtime's exporter did not answer: ${(error as Error).message}\n`;
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  response.end(body);
}
