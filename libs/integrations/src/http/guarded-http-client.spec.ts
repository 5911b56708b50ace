import type { LookupAddress, LookupOptions } from 'node:dns';
import { startHttpFixture, type HttpFixture } from '../../../../test/fakes/http-fixture';
import { AddressNotAllowedError } from './address-policy';
import {
  createGuardedLookup,
  GuardedHttpClient,
  HttpNetworkError,
  HttpStatusError,
  HttpTimeoutError,
  InvalidHttpRequestError,
  ResponseTooLargeError,
  TooManyRedirectsError,
} from './guarded-http-client';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);

describe(GuardedHttpClient.name, () => {
  let api: HttpFixture;
  let other: HttpFixture;
  let sut: GuardedHttpClient;
  const clients: GuardedHttpClient[] = [];
  const client = (options: Partial<ConstructorParameters<typeof GuardedHttpClient>[0]> = {}): GuardedHttpClient => {
    const created = new GuardedHttpClient({ allowedHosts: [api.hostPort, other.hostPort], ...options });
    clients.push(created);
    return created;
  };

  beforeEach(async () => {
    other = await startHttpFixture({
      'GET /landing': { body: { landed: true } },
      'POST /landing': { body: { landed: true } },
    });
    api = await startHttpFixture({
      'GET /users': { headers: { 'X-Trace': 'abc' }, body: [{ id: 1 }] },
      'GET /text': { body: 'hello' },
      'GET /problem': { headers: { 'content-type': 'application/problem+json' }, body: '{"title":"x"}' },
      'GET /broken-json': { headers: { 'content-type': 'application/json' }, body: '{not json' },
      'POST /users': { status: 201, body: { created: true } },
      'GET /old': { status: 301, headers: { location: '/users' } },
      'POST /form': { status: 303, headers: { location: '/users' } },
      'POST /moved': { status: 307, headers: { location: '/users' } },
      'GET /away': () => ({ status: 302, headers: { location: `${other.url}/landing` } }),
      'POST /away-keeping-method': () => ({ status: 307, headers: { location: `${other.url}/landing` } }),
      'GET /loop': { status: 302, headers: { location: '/loop' } },
      'GET /slow': { delayMs: 2_000, body: 'late' },
      'GET /big': { body: 'x'.repeat(11) },
      'GET /missing': { status: 404, body: 'no such thing' },
      'GET /busy': { status: 429, headers: { 'retry-after': '7' }, body: 'slow down' },
      'GET /slow-secret/s3cr3t': { delayMs: 2_000, body: 'late' },
      'GET /nul': { body: 'a\u0000b' },
      'GET /typed': (request) => ({
        headers: { 'content-type': new URL(request.path, api.url).searchParams.get('type') ?? '' },
        body: Buffer.from('a\u0000b'),
      }),
      'GET /untyped-text': { body: Buffer.from('caf\u00e9 \u0000') },
      'GET /untyped-binary': { body: Buffer.from([0xff, 0xfe, 0x00, 0x80]) },
      'GET /image': { headers: { 'content-type': 'image/png' }, body: PNG },
      'HEAD /image': { headers: { 'content-type': 'image/png' } },
      'GET /octets': { headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from('hello') },
      'GET /bad-utf8': { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from([0x61, 0xff]) },
      'GET /latin1': { headers: { 'content-type': 'text/plain; charset=ISO-8859-1' }, body: Buffer.from([0x63, 0xe9]) },
      'GET /busy-until': () => ({
        status: 429,
        headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() },
      }),
    });
    sut = client();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((created) => created.close()));
    await Promise.all([api.close(), other.close()]);
  });

  it('parses a JSON body and returns lowercase headers', async () => {
    const headers = { Authorization: 'Bearer t' };

    const result = await sut.request({ method: 'GET', url: `${api.url}/users`, headers });

    expect(result).toMatchObject({ status: 200, body: [{ id: 1 }] });
    expect(result.headers).toMatchObject({ 'x-trace': 'abc', 'content-type': 'application/json' });
    expect(api.requests[0]).toMatchObject({ method: 'GET', path: '/users', headers: { authorization: 'Bearer t' } });
  });

  it('returns a text body as a string', async () => {
    const result = await sut.request({ method: 'GET', url: `${api.url}/text` });

    expect(result.body).toBe('hello');
  });

  it('parses +json media types', async () => {
    const result = await sut.request({ method: 'GET', url: `${api.url}/problem` });

    expect(result.body).toEqual({ title: 'x' });
  });

  it('falls back to text when a JSON body does not parse', async () => {
    const result = await sut.request({ method: 'GET', url: `${api.url}/broken-json` });

    expect(result.body).toBe('{not json');
  });

  describe('response bodies', () => {
    it('returns a text body as it came, NUL included (storage deals with what Postgres refuses)', async () => {
      const result = await sut.request({ method: 'GET', url: `${api.url}/nul` });

      expect(result.body).toBe('a\u0000b');
    });

    it.each([
      'text/csv',
      'text/html; charset=utf-8',
      'application/xml',
      'image/svg+xml',
      'application/atom+xml',
      'application/javascript',
      'application/x-www-form-urlencoded',
      'application/vnd.api+json',
      'Application/JSON',
    ])('returns %s as a string', async (type) => {
      const result = await sut.request({ method: 'GET', url: `${api.url}/typed?type=${encodeURIComponent(type)}` });

      expect(result.body).toBe('a\u0000b');
    });

    it('returns valid UTF-8 without a content-type as a string', async () => {
      const result = await sut.request({ method: 'GET', url: `${api.url}/untyped-text` });

      expect(result.headers['content-type']).toBeUndefined();
      expect(result.body).toBe('caf\u00e9 \u0000');
    });

    it('decodes text by its declared charset', async () => {
      const result = await sut.request({ method: 'GET', url: `${api.url}/latin1` });

      expect(result.body).toBe('c\u00e9');
    });

    it('returns an image as base64', async () => {
      const result = await sut.request({ method: 'GET', url: `${api.url}/image` });

      expect(result.body).toEqual({ base64: PNG.toString('base64'), contentType: 'image/png', bytes: PNG.byteLength });
    });

    it('returns application/octet-stream as base64 even when it would decode', async () => {
      const result = await sut.request({ method: 'GET', url: `${api.url}/octets` });

      expect(result.body).toEqual({ base64: 'aGVsbG8=', contentType: 'application/octet-stream', bytes: 5 });
    });

    it('returns invalid UTF-8 as base64, with or without a text content-type', async () => {
      const typed = await sut.request({ method: 'GET', url: `${api.url}/bad-utf8` });
      const untyped = await sut.request({ method: 'GET', url: `${api.url}/untyped-binary` });

      expect(typed.body).toEqual({ base64: 'Yf8=', contentType: 'text/plain; charset=utf-8', bytes: 2 });
      expect(untyped.body).toEqual({ base64: '//4AgA==', contentType: 'application/octet-stream', bytes: 4 });
    });

    it.each(['typed?type=image%2Fpng', 'typed?type=application%2Foctet-stream', 'bad-utf8', 'untyped-binary'])(
      'keeps every byte of %s in the base64',
      async (path) => {
        const result = await sut.request({ method: 'GET', url: `${api.url}/${path}` });

        const { base64, bytes } = result.body as { base64: string; bytes: number };
        expect(Buffer.from(base64, 'base64').byteLength).toBe(bytes);
      },
    );

    it('returns an empty body as an empty string, whatever its content-type', async () => {
      const result = await sut.request({ method: 'HEAD', url: `${api.url}/image` });

      expect(result).toMatchObject({ status: 200, body: '', headers: { 'content-type': 'image/png' } });
    });
  });

  it('sends an object body as JSON', async () => {
    const result = await sut.request({ method: 'POST', url: `${api.url}/users`, body: { name: 'Ada' } });

    expect(result).toMatchObject({ status: 201, body: { created: true } });
    expect(api.requests[0]).toMatchObject({ body: '{"name":"Ada"}', headers: { 'content-type': 'application/json' } });
  });

  it('sends a string body as is, keeping a given content-type', async () => {
    const headers = { 'Content-Type': 'text/csv' };

    await sut.request({ method: 'POST', url: `${api.url}/users`, body: 'a=1', headers });

    expect(api.requests[0]).toMatchObject({ body: 'a=1', headers: { 'content-type': 'text/csv' } });
  });

  it('refuses a body on GET', async () => {
    await expect(sut.request({ method: 'GET', url: `${api.url}/users`, body: { a: 1 } })).rejects.toThrow(
      InvalidHttpRequestError,
    );
  });

  it.each(['file:///etc/passwd', 'ftp://example.com/x', 'not a url', 'http://user:pw@example.com/'])(
    'refuses the URL %s',
    async (url) => {
      await expect(sut.request({ method: 'GET', url })).rejects.toThrow(InvalidHttpRequestError);
    },
  );

  it('refuses an invalid header without echoing its value', async () => {
    const attempt = sut.request({ method: 'GET', url: `${api.url}/users`, headers: { 'x-key': 'secret\nvalue' } });

    await expect(attempt).rejects.toThrow(InvalidHttpRequestError);
    await expect(attempt).rejects.not.toThrow(/secret/);
  });

  describe('redirects', () => {
    it('follows a 301', async () => {
      const result = await sut.request({ method: 'GET', url: `${api.url}/old` });

      expect(result.body).toEqual([{ id: 1 }]);
      expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /old', 'GET /users']);
    });

    it('turns a POST into a body-less GET on 303', async () => {
      await sut.request({ method: 'POST', url: `${api.url}/form`, body: { a: 1 } });

      expect(api.requests[1]).toMatchObject({ method: 'GET', path: '/users', body: '' });
      expect(api.requests[1].headers['content-type']).toBeUndefined();
    });

    it('keeps method and body on 307', async () => {
      await sut.request({ method: 'POST', url: `${api.url}/moved`, body: { a: 1 } });

      expect(api.requests[1]).toMatchObject({ method: 'POST', path: '/users', body: '{"a":1}' });
    });

    it('drops every credential-bearing header when the redirect leaves the origin', async () => {
      const credentials = { authorization: 'Bearer t', cookie: 'sid=1', 'x-api-key': 'k', 'x-auth-token': 't', 'private-token': 'p', 'x-client-secret': 's' };

      await sut.request({ method: 'GET', url: `${api.url}/away`, headers: { ...credentials, 'x-kept': '1' } });

      for (const name of Object.keys(credentials)) expect(other.requests[0].headers[name]).toBeUndefined();
      expect(other.requests[0].headers['x-kept']).toBe('1');
    });

    it('keeps the method of a 307 to another origin but not its body', async () => {
      await sut.request({ method: 'POST', url: `${api.url}/away-keeping-method`, body: { card: '4111 1111 1111 1111' } });

      expect(other.requests[0]).toMatchObject({ method: 'POST', path: '/landing', body: '' });
      expect(other.requests[0].headers['content-type']).toBeUndefined();
    });

    it('re-checks every hop: an allowed host cannot redirect to a loopback port that is not allowed', async () => {
      const guarded = client({ allowedHosts: [api.hostPort] });

      await expect(guarded.request({ method: 'GET', url: `${api.url}/away` })).rejects.toThrow(
        new AddressNotAllowedError(other.hostPort, '127.0.0.1 is not a public address'),
      );
      expect(other.requests).toHaveLength(0);
    });

    it('stops after maxRedirects', async () => {
      const limited = client({ maxRedirects: 2 });

      await expect(limited.request({ method: 'GET', url: `${api.url}/loop` })).rejects.toThrow(TooManyRedirectsError);
      expect(api.requests).toHaveLength(3);
    });
  });

  describe('address policy', () => {
    it.each([
      ['127.0.0.1', (f: HttpFixture) => `${f.url}/users`],
      ['[::1]', (f: HttpFixture) => `http://[::1]:${f.port}/users`],
      ['IPv4-mapped loopback', (f: HttpFixture) => `http://[::ffff:127.0.0.1]:${f.port}/users`],
      ['IPv4-compatible loopback', (f: HttpFixture) => `http://[::127.0.0.1]:${f.port}/users`],
      ['decimal loopback', (f: HttpFixture) => `http://2130706433:${f.port}/users`],
    ])('refuses %s when not allowed', async (_, url) => {
      const guarded = client({ allowedHosts: [] });

      await expect(guarded.request({ method: 'GET', url: url(api) })).rejects.toThrow(AddressNotAllowedError);
      expect(api.requests).toHaveLength(0);
    });

    it('refuses a hostname that resolves to loopback, through the connection lookup', async () => {
      const guarded = client({ allowedHosts: [] });

      await expect(guarded.request({ method: 'GET', url: `http://localhost:${api.port}/users` })).rejects.toThrow(
        /^localhost:\d+ is not allowed: it resolves to an address that is not public/,
      );
      // Naming the address would let a user map internal DNS through refusals.
      await expect(guarded.request({ method: 'GET', url: `http://localhost:${api.port}/users` })).rejects.not.toThrow(/127\.0\.0\.1|::1/);
      expect(api.requests).toHaveLength(0);
    });

    it('lets an allow-listed hostname through', async () => {
      const guarded = client({ allowedHosts: [`localhost:${api.port}`] });

      const result = await guarded.request({ method: 'GET', url: `http://localhost:${api.port}/users` });

      expect(result.status).toBe(200);
    });
  });

  it('refuses a body over maxResponseBytes', async () => {
    const capped = client({ maxResponseBytes: 10 });

    await expect(capped.request({ method: 'GET', url: `${api.url}/big` })).rejects.toThrow(ResponseTooLargeError);
    const exact = client({ maxResponseBytes: 11 });
    await expect(exact.request({ method: 'GET', url: `${api.url}/big` })).resolves.toMatchObject({ body: 'x'.repeat(11) });
  });

  it('times out', async () => {
    await expect(sut.request({ method: 'GET', url: `${api.url}/slow`, timeoutMs: 100 })).rejects.toThrow(
      new HttpTimeoutError({ method: 'GET', url: new URL(`${api.url}/slow`) }, 'timed out after 100 ms'),
    );
  });

  it('times out by default after defaultTimeoutMs', async () => {
    const impatient = client({ defaultTimeoutMs: 100 });

    await expect(impatient.request({ method: 'GET', url: `${api.url}/slow` })).rejects.toThrow(HttpTimeoutError);
  });

  it('stops when the caller aborts, without calling it a timeout', async () => {
    const attempt = sut.request({ method: 'GET', url: `${api.url}/slow`, signal: AbortSignal.timeout(50) });

    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(attempt).rejects.not.toBeInstanceOf(HttpTimeoutError);
  });

  it('throws HttpStatusError for a 404, naming method and origin but not path, query or headers', async () => {
    const attempt = sut.request({
      method: 'GET',
      url: `${api.url}/missing?token=secret`,
      headers: { authorization: 'Bearer secret' },
    });

    await expect(attempt).rejects.toThrow(HttpStatusError);
    await expect(attempt).rejects.toMatchObject({
      message: `GET ${api.url} answered 404 Not Found`,
      status: 404,
      bodyPreview: 'no such thing',
      retryAfterMs: undefined,
    });
  });

  describe('error messages leave out the path, which may hold a webhook secret', () => {
    const secretPath = '/services/T000/B000/s3cr3t';
    const messageOf = (attempt: Promise<unknown>) =>
      attempt.then(
        () => 'resolved',
        (error: Error) => error.message,
      );

    it('on a status error', async () => {
      const message = await messageOf(sut.request({ method: 'POST', url: `${api.url}${secretPath}`, body: {} }));

      expect(message).toBe(`POST ${api.url} answered 404 Not Found`);
    });

    it('on a timeout', async () => {
      const message = await messageOf(sut.request({ method: 'GET', url: `${api.url}/slow-secret/s3cr3t`, timeoutMs: 50 }));

      expect(message).toBe(`GET ${api.url} timed out after 50 ms`);
    });

    it('on a network error', async () => {
      const gone = await startHttpFixture({});
      await gone.close();
      const guarded = client({ allowedHosts: [gone.hostPort] });

      const message = await messageOf(guarded.request({ method: 'POST', url: `${gone.url}${secretPath}` }));

      expect(message).toBe(`POST ${gone.url} failed: network error ECONNREFUSED`);
    });

    it('on too many redirects', async () => {
      const limited = client({ maxRedirects: 0 });

      const message = await messageOf(limited.request({ method: 'GET', url: `${api.url}/loop` }));

      expect(message).toBe(`GET ${api.url} redirected more than 0 times`);
    });

    it('on an invalid header', async () => {
      const headers = { 'x-key': 'bad\nvalue' };

      const message = await messageOf(sut.request({ method: 'POST', url: `${api.url}${secretPath}`, headers }));

      expect(message).toBe(`POST ${api.url} has an invalid header name or value`);
    });
  });

  it('reads Retry-After seconds from a 429', async () => {
    await expect(sut.request({ method: 'GET', url: `${api.url}/busy` })).rejects.toMatchObject({
      status: 429,
      retryAfterMs: 7_000,
    });
  });

  it('reads a Retry-After HTTP-date from a 429', async () => {
    const error = await sut.request({ method: 'GET', url: `${api.url}/busy-until` }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).retryAfterMs).toBeGreaterThan(100_000);
    expect((error as HttpStatusError).retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('reports a refused connection as HttpNetworkError with its code', async () => {
    const gone = await startHttpFixture({});
    await gone.close();
    const guarded = client({ allowedHosts: [gone.hostPort] });

    await expect(guarded.request({ method: 'GET', url: `${gone.url}/` })).rejects.toMatchObject({
      name: 'HttpNetworkError',
      code: 'ECONNREFUSED',
    });
    await expect(guarded.request({ method: 'GET', url: `${gone.url}/` })).rejects.toBeInstanceOf(HttpNetworkError);
  });
});

describe(createGuardedLookup.name, () => {
  const lookupWith = (addresses: LookupAddress[], options: LookupOptions) => {
    const sut = createGuardedLookup(async () => addresses);
    return new Promise<{ error: unknown; address: unknown; family?: number }>((resolve) =>
      sut('api.example', options, (error, address, family) => resolve({ error, address, family })),
    );
  };

  it('refuses a host when any of its addresses is not public', async () => {
    const { error } = await lookupWith(
      [
        { address: '93.184.216.34', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
      { all: true },
    );

    expect(error).toBeInstanceOf(AddressNotAllowedError);
    expect((error as Error).message).toContain('not public');
    expect((error as Error).message).not.toContain('169.254.169.254');
  });

  it('hands back every checked address when asked for all', async () => {
    const addresses = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ];

    await expect(lookupWith(addresses, { all: true })).resolves.toEqual({
      error: null,
      address: addresses,
      family: undefined,
    });
  });

  it('hands back the first checked address when asked for one', async () => {
    await expect(lookupWith([{ address: '93.184.216.34', family: 4 }], {})).resolves.toEqual({
      error: null,
      address: '93.184.216.34',
      family: 4,
    });
  });

  it('passes resolver failures through', async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    const sut = createGuardedLookup(() => Promise.reject(failure));

    const error = await new Promise((resolve) => sut('nowhere.example', {}, (e) => resolve(e)));

    expect(error).toBe(failure);
  });
});
