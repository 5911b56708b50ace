import type { AppConfig } from '@flowmate/config';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { routeTemplateOf } from './route-template';

const CORRELATION_HEADER = 'x-correlation-id';
const SAFE_CORRELATION_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** The events stream takes a token in its query string (EventSource sends no headers); it never reaches a log. */
const ACCESS_TOKEN_PARAMETER = /([?&]access_token=)[^&]*/g;

/**
 * Never in a log line: credentials in requests and responses, and what a failed query was given (a
 * TypeORM QueryFailedError carries the statement's parameters, and Postgres's detail quotes values).
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'req.query.access_token',
  'err.parameters',
  'err.detail',
  'err.driverError.parameters',
  'err.driverError.detail',
];

/** Takes a caller's correlation id when it is safe to log, else makes one; every response carries it. */
function correlationId(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers[CORRELATION_HEADER];
  const id = typeof given === 'string' && SAFE_CORRELATION_ID.test(given) ? given : randomUUID();
  response.setHeader('X-Correlation-ID', id);
  return id;
}

/**
 * The API's first middleware: it assigns the correlation id (`request.id`) and logs the request before
 * anything else can fail — the body parser, an unknown route — so every error body, response header
 * and log line names the same id.
 */
export function createRequestLogger(config: AppConfig, destination?: DestinationStream): HttpLogger {
  return pinoHttp(
    {
      name: 'api',
      level: config.logLevel,
      genReqId: correlationId,
      customAttributeKeys: { reqId: 'correlationId' },
      // Lines logged while a request is handled name its correlation id, not the whole request again.
      quietReqLogger: true,
      // Taken when the response is logged: by then the route is known and the caller authenticated.
      customProps: (request) => ({ route: routeTemplateOf(request), userId: (request as IncomingMessage & { user?: { id?: string } }).user?.id }),
      redact: REDACTED_PATHS,
      serializers: { req: (request: { url?: string }) => ({ ...request, url: request.url?.replace(ACCESS_TOKEN_PARAMETER, '$1[Redacted]') }) },
      autoLogging: { ignore: (request: IncomingMessage) => request.url?.startsWith('/health') ?? false },
    },
    destination,
  );
}
