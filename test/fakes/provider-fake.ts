import { startHttpFixture, type FixtureResponse } from './http-fixture';

export type { FixtureResponse };

/** The token every fake accepts unless a test says otherwise. */
export const FAKE_TOKEN = 'test-token';

export interface ProviderRequest {
  method: string;
  /** The path without its query string, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  /** The matched route's path parameters, percent-decoded. */
  params: Record<string, string>;
  /** The body as JSON; undefined when empty. */
  json(): unknown;
  form(): URLSearchParams;
  /** Query parameters overlaid with the body's fields (form-encoded or JSON), as form-style APIs read them. */
  fields(): Record<string, unknown>;
}

export type ProviderHandler = (request: ProviderRequest) => FixtureResponse | Promise<FixtureResponse>;

export interface ProviderRoute {
  method: string;
  /** A template such as `/repos/:owner/:repo/contents/:path+` (`+` takes the rest, slashes included), or a RegExp with named groups. */
  pattern: string | RegExp;
  handler: ProviderHandler;
  /** Answered without a token: OAuth token endpoints. */
  anonymous?: boolean;
}

export interface ProviderFakeOptions {
  routes: ProviderRoute[];
  /** Shared with the provider's own state, so OAuth grants can add the tokens they issue. */
  tokens: Set<string>;
  tokenOf(request: ProviderRequest): string | undefined;
  /** The provider's answer to a missing (`token` undefined) or unknown token. */
  unauthorized(request: ProviderRequest, token: string | undefined): FixtureResponse;
  notFound?(request: ProviderRequest): FixtureResponse;
  /** Headers the provider puts on every answer; an answer's own headers win. */
  headers?(request: ProviderRequest): Record<string, string>;
}

export interface ProviderFake {
  /** The base URL a client is configured with. */
  url: string;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  requests: ProviderRequest[];
  /** Accepted access tokens. */
  tokens: Set<string>;
  /** The next `count` requests, to any route, get `response` (after any failures already scripted). */
  failNext(count: number, response: FixtureResponse): void;
  close(): Promise<void>;
}

interface CompiledRoute extends ProviderRoute {
  regex: RegExp;
}

function compile(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return pattern;
  const source = pattern
    .split('/')
    .map((segment) => {
      const param = /^:(\w+)(\+?)$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return `(?<${param[1]}>${param[2] ? '.+' : '[^/]+'})`;
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

const decode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A field as text: form values are strings already, JSON ones may be numbers. */
export const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;

function providerRequest(method: string, url: URL, headers: Record<string, string>, body: string): ProviderRequest {
  const contentType = headers['content-type'] ?? '';
  const request: ProviderRequest = {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers,
    body,
    params: {},
    json: () => (body === '' ? undefined : (JSON.parse(body) as unknown)),
    form: () => new URLSearchParams(body),
    fields: () => {
      const parsed = contentType.includes('json') ? request.json() : contentType.includes('x-www-form-urlencoded') ? Object.fromEntries(request.form()) : {};
      return { ...Object.fromEntries(url.searchParams), ...(isRecord(parsed) ? parsed : {}) };
    },
  };
  return request;
}

/** The token of an `Authorization: <scheme> <token>` header whose scheme is one of `schemes`. */
export function authorizationToken(request: ProviderRequest, schemes: readonly string[] = ['bearer']): string | undefined {
  const [scheme, token] = (request.headers.authorization ?? '').trim().split(/\s+/, 2);
  return token && schemes.includes(scheme.toLowerCase()) ? token : undefined;
}

/** An opaque page cursor holding an offset, as providers' cursors are opaque. */
export const encodeCursor = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64url');

export function decodeCursor(cursor: string): number | undefined {
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

const lowerCaseNames = (headers: Record<string, string> = {}): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));


/** A loopback server for one provider's API: routes with path parameters, token checks, scripted failures. */
export async function startProviderFake(options: ProviderFakeOptions): Promise<ProviderFake> {
  const requests: ProviderRequest[] = [];
  const script: Array<{ remaining: number; response: FixtureResponse }> = [];
  const routes: CompiledRoute[] = options.routes.map((route) => ({ ...route, regex: compile(route.pattern) }));

  const answer = async (request: ProviderRequest): Promise<FixtureResponse> => {
    const scripted = script[0];
    if (scripted) {
      scripted.remaining -= 1;
      if (scripted.remaining === 0) script.shift();
      return scripted.response;
    }
    for (const route of routes) {
      const match = route.method === request.method ? route.regex.exec(request.path) : null;
      if (!match) continue;
      request.params = Object.fromEntries(Object.entries(match.groups ?? {}).map(([name, value]) => [name, decode(value)]));
      if (!route.anonymous) {
        const token = options.tokenOf(request);
        if (token === undefined || !options.tokens.has(token)) return options.unauthorized(request, token);
      }
      return route.handler(request);
    }
    return options.notFound?.(request) ?? { status: 404, body: { error: `no fake route for ${request.method} ${request.path}` } };
  };

  const fixture = await startHttpFixture(async (recorded) => {
    const url = new URL(recorded.path, 'http://fake');
    const request = providerRequest(recorded.method, url, recorded.headers, recorded.body);
    requests.push(request);
    const response = await answer(request);
    return { ...response, headers: { ...lowerCaseNames(options.headers?.(request)), ...lowerCaseNames(response.headers) } };
  });
  const origin = fixture.url;

  return {
    url: origin,
    origin,
    requests,
    tokens: options.tokens,
    failNext: (count, response) => {
      if (count > 0) script.push({ remaining: count, response });
    },
    close: () => fixture.close(),
  };
}

/** A token endpoint's answer as the provider words it; extra fields vary by provider. */
export interface OAuthBundle {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
}

/** An OAuth app's token endpoint: seed `codes` and `refreshTokens`, count the calls. */
export interface FakeOAuth<Bundle extends OAuthBundle> {
  clientId: string;
  clientSecret: string;
  /** Authorization codes, each redeemable once. */
  codes: Map<string, Bundle>;
  /** What refreshing each refresh token yields. */
  refreshTokens: Map<string, Bundle>;
  /** Every call of the token endpoint. */
  tokenCalls: number;
  /** The calls with `grant_type=refresh_token`. */
  refreshCalls: number;
}

export interface OAuthAppOptions {
  clientId?: string;
  clientSecret?: string;
}

export function fakeOAuth<Bundle extends OAuthBundle>({ clientId = 'fake-client-id', clientSecret = 'fake-client-secret' }: OAuthAppOptions = {}): FakeOAuth<Bundle> {
  return { clientId, clientSecret, codes: new Map(), refreshTokens: new Map(), tokenCalls: 0, refreshCalls: 0 };
}

export type GrantOutcome<Bundle> =
  | { bundle: Bundle; refreshed: boolean }
  | { refused: 'client_id' | 'client_secret' | 'code' | 'refresh_token'; refreshed: boolean };

/**
 * Redeems a code (once) or a refresh token (once when `rotating`, as GitHub and Slack rotate them; Google's
 * stay valid), adding the access token it issues to `tokens`.
 */
export function redeemGrant<Bundle extends OAuthBundle>(
  oauth: FakeOAuth<Bundle>,
  fields: Record<string, unknown>,
  tokens: Set<string>,
  { rotating }: { rotating: boolean },
): GrantOutcome<Bundle> {
  oauth.tokenCalls += 1;
  const refreshed = text(fields.grant_type) === 'refresh_token';
  if (refreshed) oauth.refreshCalls += 1;
  if (text(fields.client_id) !== oauth.clientId) return { refused: 'client_id', refreshed };
  if (text(fields.client_secret) !== oauth.clientSecret) return { refused: 'client_secret', refreshed };
  const key = text(refreshed ? fields.refresh_token : fields.code) ?? '';
  const grants = refreshed ? oauth.refreshTokens : oauth.codes;
  const bundle = grants.get(key);
  if (!bundle) return { refused: refreshed ? 'refresh_token' : 'code', refreshed };
  if (!refreshed || rotating) grants.delete(key);
  tokens.add(bundle.access_token);
  return { bundle, refreshed };
}
