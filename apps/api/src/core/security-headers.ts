import type { AppConfig } from '@flowmate/config';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Where Swagger UI is served. */
export const DOCS_PATH = 'docs';

/** The API answers JSON: nothing in it may load, run or be framed. */
const apiPolicy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
});

/** Swagger UI: its own scripts and styles (its page has inline styles, no inline scripts), data: icons, calls to this API. */
const docsPolicy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
});

/**
 * helmet's headers, with HSTS only in production (a developer's http://127.0.0.1 must not be pinned to
 * HTTPS) and a content security policy per kind of answer: none at all for the JSON API, Swagger UI's needs
 * for /docs.
 */
export function securityHeaders(config: AppConfig): RequestHandler[] {
  const hsts = config.env === 'production' ? { maxAge: 31_536_000, includeSubDomains: true } : false;
  const isDocs = (path: string) => path === `/${DOCS_PATH}` || path.startsWith(`/${DOCS_PATH}/`) || path.startsWith(`/${DOCS_PATH}-`);
  return [helmet({ contentSecurityPolicy: false, strictTransportSecurity: hsts }), (request, response, next) => (isDocs(request.path) ? docsPolicy : apiPolicy)(request, response, next)];
}
