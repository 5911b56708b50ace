import { ConfigError, loadConfig } from './app-config';

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/flowmate',
  JWT_SECRET: 'x'.repeat(32),
  CREDENTIALS_KEYS: `test:${Buffer.alloc(32, 1).toString('base64')}`,
  PAYLOAD_KEYS: `test:${Buffer.alloc(32, 2).toString('base64')}`,
};

describe(loadConfig.name, () => {
  it('fills defaults and types numbers', () => {
    const sut = loadConfig('api', { ...valid, PORT: '4000' });
    expect(sut.api.port).toBe(4000);
    expect(sut.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'flowmate',
      uiUrl: 'http://127.0.0.1:8233',
    });
    expect(sut.api.magicLink).toEqual({ ttlSeconds: 900, delivery: { kind: 'none' } });
  });

  it.each([
    ['DATABASE_URL', { ...valid, DATABASE_URL: 'mysql://x' }],
    ['DATABASE_URL', { JWT_SECRET: valid.JWT_SECRET }],
    ['JWT_SECRET', { ...valid, JWT_SECRET: 'short' }],
    ['PORT', { ...valid, PORT: 'eighty' }],
    ['TEMPORAL_ADDRESS', { ...valid, TEMPORAL_ADDRESS: 'no-port' }],
    ['NODE_ENV', { ...valid, NODE_ENV: 'staging' }],
    ['HTTP_TOOL_ALLOWED_HOSTS', { ...valid, HTTP_TOOL_ALLOWED_HOSTS: 'no-port.example' }],
  ])('names %s when it is bad or missing', (variable, env) => {
    expect(() => loadConfig('api', env)).toThrow(new RegExp(variable));
  });

  it('lists every bad variable at once', () => {
    expect(() => loadConfig('api', { PORT: '0' })).toThrow(/DATABASE_URL[\s\S]*JWT_SECRET|JWT_SECRET[\s\S]*DATABASE_URL/);
  });

  it('normalises the http.request allow-list', () => {
    expect(loadConfig('worker', { ...valid, HTTP_TOOL_ALLOWED_HOSTS: ' API.internal:8080, [0:0::1]:3000 ' }).tools.httpAllowedHosts).toEqual([
      'api.internal:8080',
      '[::1]:3000',
    ]);
  });

  it('connects to Temporal with TLS and the API key it is given, and names a TLS file it cannot read among the other problems', () => {
    expect(loadConfig('worker', { ...valid, TEMPORAL_API_KEY: 'cloud-key', TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }).temporal).toMatchObject({
      tls: { serverNameOverride: 'temporal.internal' },
      apiKey: 'cloud-key',
    });
    expect(() => loadConfig('api', { ...valid, PORT: 'eighty', TEMPORAL_TLS_CA: '/nonexistent/ca.pem' })).toThrow(
      /PORT[\s\S]*TEMPORAL_TLS_CA: cannot read \/nonexistent\/ca\.pem \(ENOENT\)/,
    );
  });

  it('does not ask the worker for API secrets', () => {
    expect(loadConfig('worker', { DATABASE_URL: valid.DATABASE_URL, CREDENTIALS_KEYS: valid.CREDENTIALS_KEYS, PAYLOAD_KEYS: valid.PAYLOAD_KEYS }).database.url).toBe(
      valid.DATABASE_URL,
    );
  });

  it('asks both processes for the payload keys, since both encode and decode what Temporal stores', () => {
    for (const role of ['api', 'worker'] as const) expect(() => loadConfig(role, { ...valid, PAYLOAD_KEYS: undefined })).toThrow(/PAYLOAD_KEYS/);
    expect(loadConfig('worker', valid).payloadKeys).toEqual({ currentKeyId: 'test', keys: { test: Buffer.alloc(32, 2) } });
    expect(() => loadConfig('worker', { ...valid, PAYLOAD_KEYS: `a:${Buffer.alloc(16).toString('base64')}` })).toThrow(/PAYLOAD_KEYS entry 1 \("a"\) is not a base64 key of exactly 32 bytes/);
  });

  it('asks both processes for the credential keys, since both read or write stored connections', () => {
    expect(() => loadConfig('worker', { DATABASE_URL: valid.DATABASE_URL })).toThrow(/CREDENTIALS_KEYS/);
    expect(loadConfig('worker', valid).credentials).toEqual({ currentKeyId: 'test', keys: { test: Buffer.alloc(32, 1) } });
  });

  it('takes an OAuth app with all three settings, and refuses a partial one', () => {
    const github = { GITHUB_CLIENT_ID: 'id', GITHUB_CLIENT_SECRET: 'secret', GITHUB_REDIRECT_URI: 'https://flowmate.example/api/v1/oauth/github/callback' };

    expect(loadConfig('api', { ...valid, ...github }).integrations.oauth.github).toEqual({
      oauthUrl: 'https://github.com',
      app: { clientId: 'id', clientSecret: 'secret', redirectUri: github.GITHUB_REDIRECT_URI },
    });
    expect(loadConfig('api', valid).integrations.oauth.github.app).toBeUndefined();
    expect(() => loadConfig('api', { ...valid, GOOGLE_CLIENT_ID: 'id' })).toThrow(/GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REDIRECT_URI go together/);
  });

  it('points integrations at the public APIs unless told otherwise', () => {
    expect(loadConfig('worker', valid).integrations.endpoints).toEqual({
      github: 'https://api.github.com',
      google: 'https://www.googleapis.com',
      slack: 'https://slack.com/api/',
      x: 'https://api.x.com',
      instagram: 'https://graph.instagram.com/v21.0',
    });
    expect(loadConfig('worker', { ...valid, GITHUB_API_URL: 'http://127.0.0.1:8080' }).integrations.endpoints.github).toBe('http://127.0.0.1:8080');
    expect(() => loadConfig('worker', { ...valid, SLACK_API_URL: 'ftp://slack.example' })).toThrow(/SLACK_API_URL/);
  });

  describe('magic-link delivery', () => {
    const mail = { AUTH_MAGIC_LINK_DELIVERY: 'smtp', SMTP_URL: 'smtps://mailer:pw@mail.example:465', MAIL_FROM: 'FlowMate <no-reply@flowmate.example>', PUBLIC_APP_URL: 'https://app.flowmate.example/' };

    it('sends links by e-mail from the configured public URL, in production too', () => {
      expect(loadConfig('api', { ...valid, NODE_ENV: 'production', ...mail }).api.magicLink.delivery).toEqual({
        kind: 'smtp',
        smtpUrl: mail.SMTP_URL,
        from: mail.MAIL_FROM,
        publicAppUrl: 'https://app.flowmate.example',
      });
    });

    it('names every setting e-mail delivery lacks', () => {
      expect(() => loadConfig('api', { ...valid, AUTH_MAGIC_LINK_DELIVERY: 'smtp' })).toThrow(/AUTH_MAGIC_LINK_DELIVERY=smtp needs SMTP_URL, MAIL_FROM, PUBLIC_APP_URL/);
      expect(() => loadConfig('api', { ...valid, ...mail, SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    });

    it('refuses production without e-mail delivery, and refuses tokens in responses there', () => {
      expect(() => loadConfig('api', { ...valid, NODE_ENV: 'production' })).toThrow(/NODE_ENV=production signs people in by e-mail/);
      expect(() => loadConfig('api', { ...valid, NODE_ENV: 'production', AUTH_MAGIC_LINK_DELIVERY: 'response' })).toThrow(ConfigError);
    });

    it('hands the token back in development only when asked, and otherwise delivers nothing', () => {
      expect(loadConfig('api', { ...valid, AUTH_MAGIC_LINK_DELIVERY: 'response' }).api.magicLink.delivery).toEqual({ kind: 'response' });
      expect(loadConfig('api', valid).api.magicLink.delivery).toEqual({ kind: 'none' });
    });
  });

  it('arms failpoints only in tests', () => {
    expect(() => loadConfig('worker', { ...valid, NODE_ENV: 'production', TEST_FAILPOINTS: 'tool-result-stored' })).toThrow(/TEST_FAILPOINTS/);
    expect(() => loadConfig('worker', { ...valid, TEST_FAILPOINTS: 'tool-result-stored' })).toThrow(/NODE_ENV=test/);
    expect(loadConfig('worker', { ...valid, NODE_ENV: 'test', TEST_FAILPOINTS: ' tool-result-stored , ' }).worker.failpoints).toEqual(['tool-result-stored']);
    expect(loadConfig('worker', valid).worker.failpoints).toEqual([]);
  });

  it('gives the worker a shutdown grace longer than a tool call may take', () => {
    expect(loadConfig('worker', valid).worker.shutdownGraceSeconds).toBe(150);
    expect(loadConfig('worker', { ...valid, WORKER_SHUTDOWN_GRACE_SECONDS: '30' }).worker.shutdownGraceSeconds).toBe(30);
  });
});
