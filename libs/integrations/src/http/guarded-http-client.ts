import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { STATUS_CODES } from 'node:http';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, fetch, Headers, type Dispatcher, type Response } from 'undici';
import { isCredentialName, type HttpMethod, type HttpRequestArgs, type HttpRequestResult } from '@flowmate/contracts';
import { AddressNotAllowedError, hostPortOf, isAllowedHost, isPublicAddress } from './address-policy';
import { parseRetryAfter } from './retry-after';

export interface GuardedHttpClientOptions {
  /** Normalised `host:port` entries, see `parseAllowedHosts` in @flowmate/config. */
  allowedHosts: readonly string[];
  maxResponseBytes?: number;
  maxRedirects?: number;
  defaultTimeoutMs?: number;
}

export type GuardedHttpRequest = HttpRequestArgs & { signal?: AbortSignal };

interface Hop {
  method: HttpMethod;
  url: URL;
  headers: Headers;
  body: string | undefined;
}

/**
 * Says what was requested as method and origin only: the path may carry secrets too (webhook URLs such as
 * Slack's `/services/T…/B…/<secret>`), as may the query string and the headers.
 */
const describe = (hop: Pick<Hop, 'method' | 'url'>): string => `${hop.method} ${hop.url.origin}`;

export class InvalidHttpRequestError extends Error {
  override readonly name: string = 'InvalidHttpRequestError';
}

export class HttpRequestError extends Error {
  override readonly name: string = 'HttpRequestError';

  constructor(hop: Pick<Hop, 'method' | 'url'>, problem: string, options?: ErrorOptions) {
    super(`${describe(hop)} ${problem}`, options);
  }
}

export class HttpStatusError extends HttpRequestError {
  override readonly name: string = 'HttpStatusError';
  readonly status: number;
  readonly retryAfterMs?: number;
  readonly bodyPreview: string;
  /** Lower-case names; APIs put rate-limit resets and error codes here. */
  readonly headers: Record<string, string>;

  constructor(
    hop: Pick<Hop, 'method' | 'url'>,
    response: { status: number; statusText?: string; retryAfterMs?: number; bodyPreview: string; headers?: Record<string, string> },
  ) {
    super(hop, `answered ${response.status} ${response.statusText || STATUS_CODES[response.status] || ''}`.trimEnd());
    this.status = response.status;
    this.retryAfterMs = response.retryAfterMs;
    this.bodyPreview = response.bodyPreview;
    this.headers = response.headers ?? {};
  }
}

export class HttpTimeoutError extends HttpRequestError {
  override readonly name: string = 'HttpTimeoutError';
}

export class HttpNetworkError extends HttpRequestError {
  override readonly name: string = 'HttpNetworkError';

  constructor(
    hop: Pick<Hop, 'method' | 'url'>,
    readonly code: string,
    cause?: unknown,
  ) {
    super(hop, `failed: network error ${code}`, cause === undefined ? undefined : { cause });
  }
}

export class TooManyRedirectsError extends HttpRequestError {
  override readonly name: string = 'TooManyRedirectsError';
}

export class ResponseTooLargeError extends HttpRequestError {
  override readonly name: string = 'ResponseTooLargeError';
}

type Resolve = (hostname: string, options: LookupOptions) => Promise<LookupAddress[]>;

const resolveAll: Resolve = (hostname, options) =>
  dns.lookup(hostname, { family: options.family, hints: options.hints, all: true });

/**
 * A `net.connect` lookup that refuses the host when any of its addresses is not public. The socket
 * connects to the very addresses checked here, so a second DNS answer cannot slip in (no rebinding gap).
 */
export function createGuardedLookup(resolve: Resolve = resolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options).then(
      (addresses) => {
        const refused = addresses.find(({ address }) => !isPublicAddress(address));
        if (refused) {
          // Never the address itself: the message reaches the user, and would map internal DNS for them.
          const reason = 'it resolves to an address that is not public';
          return callback(new AddressNotAllowedError(hostname, reason), '');
        }
        if (addresses.length === 0) {
          return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
        }
        // Node asks for all addresses when it races IPv4 and IPv6 (autoSelectFamily), else for one.
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding'];
const PREVIEW_BYTES = 1024;
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/;
const TEXT_MEDIA_TYPE =
  /^(?:text\/.+|application\/(?:json|xml|javascript|x-www-form-urlencoded)|[^/]+\/[^/]+\+(?:json|xml))$/;

export class GuardedHttpClient {
  private readonly allowedHosts: readonly string[];
  private readonly maxResponseBytes: number;
  private readonly maxRedirects: number;
  private readonly defaultTimeoutMs: number;
  private readonly allowedAgent = new Agent();
  private readonly guardedAgent = new Agent({ connect: { lookup: createGuardedLookup() } });

  constructor(options: GuardedHttpClientOptions) {
    this.allowedHosts = options.allowedHosts;
    this.maxResponseBytes = options.maxResponseBytes ?? 5 * 1024 * 1024;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
  }

  async request(args: GuardedHttpRequest): Promise<HttpRequestResult> {
    const timeoutMs = args.timeoutMs ?? this.defaultTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = args.signal ? AbortSignal.any([timeout, args.signal]) : timeout;
    let hop = firstHop(args);
    try {
      for (let redirects = 0; ; redirects++) {
        const response = await fetch(hop.url, {
          method: hop.method,
          headers: hop.headers,
          body: hop.body,
          redirect: 'manual',
          signal,
          dispatcher: this.dispatcherFor(hop.url),
        });
        const next = redirectHop(hop, response);
        if (!next) return await this.toResult(hop, response);
        await response.body?.cancel();
        if (redirects === this.maxRedirects) {
          throw new TooManyRedirectsError(hop, `redirected more than ${this.maxRedirects} times`);
        }
        hop = next;
      }
    } catch (error) {
      if (timeout.aborted && !(error instanceof HttpRequestError)) {
        throw new HttpTimeoutError(hop, `timed out after ${timeoutMs} ms`);
      }
      throw explainFetchError(error, hop);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.allowedAgent.close(), this.guardedAgent.close()]);
  }

  private dispatcherFor(url: URL): Dispatcher {
    if (isAllowedHost(url, this.allowedHosts)) return this.allowedAgent;
    // Node connects to IP literals without calling lookup, so they are checked here instead.
    const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(literal) && !isPublicAddress(literal)) {
      throw new AddressNotAllowedError(hostPortOf(url), `${literal} is not a public address`);
    }
    return this.guardedAgent;
  }

  private async toResult(hop: Hop, response: Response): Promise<HttpRequestResult> {
    const headers = headersToObject(response.headers);
    if (!response.ok) {
      const { bytes } = await readCapped(response, PREVIEW_BYTES);
      throw new HttpStatusError(hop, {
        status: response.status,
        statusText: response.statusText,
        retryAfterMs: parseRetryAfter(headers['retry-after']),
        bodyPreview: new TextDecoder().decode(bytes),
        headers,
      });
    }
    const { bytes, truncated } = await readCapped(response, this.maxResponseBytes);
    if (truncated) throw new ResponseTooLargeError(hop, `answered with a body over ${this.maxResponseBytes} bytes`);
    return { status: response.status, headers, body: toBody(bytes, headers['content-type']) };
  }
}

function firstHop(args: HttpRequestArgs): Hop {
  const url = toTarget(args.url);
  let headers: Headers;
  try {
    headers = new Headers(args.headers);
  } catch {
    // undici's message quotes the offending value, which may be a secret.
    throw new InvalidHttpRequestError(`${describe({ method: args.method, url })} has an invalid header name or value`);
  }
  if (args.body == null) return { method: args.method, url, headers, body: undefined };
  if (args.method === 'GET' || args.method === 'HEAD') {
    throw new InvalidHttpRequestError(`${args.method} requests cannot have a body`);
  }
  if (typeof args.body === 'string') return { method: args.method, url, headers, body: args.body };
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return { method: args.method, url, headers, body: JSON.stringify(args.body) };
}

function toTarget(raw: string | URL, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new InvalidHttpRequestError(
      base ? `${base.origin} redirected to an invalid URL` : 'url is not a valid absolute URL',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidHttpRequestError(`only http: and https: URLs are supported, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new InvalidHttpRequestError('credentials in the URL are not supported; send an Authorization header instead');
  }
  return url;
}

/**
 * The request a redirect asks for. Another origin gets no credential-bearing header (Authorization,
 * Cookie, X-Api-Key, *-Token, …) and no body: a 307/308 keeps its method but not what it was sending.
 */
function redirectHop(hop: Hop, response: Response): Hop | undefined {
  const location = response.headers.get('location');
  if (!REDIRECT_STATUSES.has(response.status) || location === null) return undefined;
  const url = toTarget(location, hop.url);
  const headers = new Headers(hop.headers);
  const crossOrigin = url.origin !== hop.url.origin;
  if (crossOrigin) for (const name of [...headers.keys()].filter(isCredentialName)) headers.delete(name);
  const becomesGet =
    (response.status === 303 && hop.method !== 'HEAD') ||
    ((response.status === 301 || response.status === 302) && hop.method === 'POST');
  if (!becomesGet && !crossOrigin) return { ...hop, url, headers };
  for (const name of BODY_HEADERS) headers.delete(name);
  return { method: becomesGet ? 'GET' : hop.method, url, headers, body: undefined };
}

/** undici rejects with `TypeError('fetch failed', { cause })` for anything below HTTP. */
function explainFetchError(error: unknown, hop: Hop): unknown {
  // Duck-typed: causes raised by Node itself come from another realm under jest, failing `instanceof Error`.
  const cause = (error as { cause?: unknown } | null)?.cause as NodeJS.ErrnoException | undefined;
  if (!(error instanceof TypeError) || typeof cause?.name !== 'string') return error;
  if (cause instanceof AddressNotAllowedError) {
    // The lookup only knows the hostname; name host:port, which is what the allow-list takes.
    return new AddressNotAllowedError(hostPortOf(hop.url), cause.reason);
  }
  return new HttpNetworkError(hop, cause.code ?? cause.name, cause);
}

async function readCapped(response: Response, maxBytes: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      if (size + chunk.byteLength > maxBytes) {
        chunks.push(Buffer.from(chunk.subarray(0, maxBytes - size)));
        return { bytes: Buffer.concat(chunks), truncated: true };
      }
      chunks.push(Buffer.from(chunk));
      size += chunk.byteLength;
    }
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

function headersToObject(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = name in result ? `${result[name]}, ${value}` : value;
  });
  return result;
}

/** A body that is not text, as base64: raw bytes have no faithful JSON form. */
export type HttpBinaryBody = { base64: string; contentType: string; bytes: number };

/**
 * JSON media types are parsed; other text-like ones (and bodies without a content-type) become a string,
 * decoded by their charset (UTF-8 unless told). Anything else, or text that does not decode, is returned
 * as base64 so no byte is lost.
 */
function toBody(bytes: Buffer, contentType: string | undefined): unknown {
  if (bytes.byteLength === 0) return '';
  const [essence = '', ...parameters] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  const text = essence === '' || TEXT_MEDIA_TYPE.test(essence) ? decodeStrictly(bytes, charset) : undefined;
  if (text === undefined) {
    const binary: HttpBinaryBody = {
      base64: bytes.toString('base64'),
      contentType: contentType || 'application/octet-stream',
      bytes: bytes.byteLength,
    };
    return binary;
  }
  if (JSON_MEDIA_TYPE.test(essence)) {
    try {
      return JSON.parse(text);
    } catch {
      // Served as JSON but is not: kept as text.
    }
  }
  return text;
}

function decodeStrictly(bytes: Buffer, charset = 'utf-8'): string | undefined {
  try {
    return new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    // An unknown charset (RangeError) or bytes that are not in it (TypeError).
    return undefined;
  }
}
