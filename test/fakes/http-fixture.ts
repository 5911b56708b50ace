import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RecordedRequest {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Set when the client went away before the answer was sent (an aborted call). */
  abandoned?: boolean;
}

export interface FixtureResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
  delayMs?: number;
  /** Drop the connection (a TCP reset) instead of answering, after `delayMs`: the client sees a network error. */
  reset?: boolean;
  /** Never answer: the request stays open until the client gives up or the fixture closes. */
  hang?: boolean;
}

export type FixtureHandler = (request: RecordedRequest) => FixtureResponse | Promise<FixtureResponse>;

/** Keyed `'METHOD /path'` (query string ignored); a function can script answers per call. */
export type FixtureRoutes = Record<string, FixtureResponse | FixtureHandler>;

export interface HttpFixture {
  url: string;
  port: number;
  /** `127.0.0.1:<port>`, the form `HTTP_TOOL_ALLOWED_HOSTS` takes. */
  hostPort: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server on a random port that records every request and answers from `routes`, or from one
 * handler that routes itself (the provider fakes, whose paths have parameters).
 */
export async function startHttpFixture(routes: FixtureRoutes | FixtureHandler): Promise<HttpFixture> {
  const requests: RecordedRequest[] = [];
  const closing = new AbortController();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : `${value}`]),
      ),
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(recorded);
    res.once('close', () => {
      if (!res.writableFinished) recorded.abandoned = true;
    });

    let answer: FixtureResponse;
    try {
      answer = await (typeof routes === 'function' ? routes(recorded) : answerFromTable(routes, recorded));
    } catch (error) {
      answer = { status: 500, body: `fixture route threw: ${String(error)}` };
    }
    if (answer.delayMs) {
      try {
        await sleep(answer.delayMs, undefined, { signal: closing.signal });
      } catch {
        return;
      }
    }
    if (answer.reset) {
      req.socket.resetAndDestroy();
      return;
    }
    if (answer.hang) {
      // Closing the fixture ends it (closeAllConnections); so does the client going away.
      if (!res.closed) await new Promise<void>((resolve) => res.once('close', resolve));
      return;
    }

    const headers = { ...answer.headers };
    const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
    let body: string | Buffer | undefined;
    if (answer.body === undefined || typeof answer.body === 'string' || Buffer.isBuffer(answer.body)) {
      body = answer.body;
      if (typeof body === 'string' && !hasContentType) headers['content-type'] = 'text/plain; charset=utf-8';
    } else {
      body = JSON.stringify(answer.body);
      if (!hasContentType) headers['content-type'] = 'application/json';
    }
    res.writeHead(answer.status ?? 200, headers).end(body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hostPort: `127.0.0.1:${port}`,
    requests,
    close: async () => {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answerFromTable(routes: FixtureRoutes, request: RecordedRequest): FixtureResponse | Promise<FixtureResponse> {
  const key = `${request.method} ${new URL(request.path, 'http://fixture').pathname}`;
  const route = routes[key] ?? { status: 404, body: `no fixture route for ${key}` };
  return typeof route === 'function' ? route(request) : route;
}
