import { launchChromium } from '../test/support/browser';
import { startStack, type Stack } from '../test/support/stack';

/** Response headers of the running API: what a browser is told about its answers and about /docs. */
describe('security headers', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  it('lets nothing in a JSON answer load, run or be framed, and says nothing of the server', async () => {
    for (const answer of [await stack.http.get('/health/live').expect(200), await stack.http.get('/api/v1/agents').expect(401)]) {
      expect(answer.headers).toMatchObject({
        'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
      });
      expect(answer.headers['x-powered-by']).toBeUndefined();
      // Outside production a developer's http://127.0.0.1 must not be pinned to HTTPS.
      expect(answer.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('serves Swagger UI under a policy that allows what its page loads: its own scripts, its own and inline styles', async () => {
    const page = await stack.http.get('/docs').redirects(1).expect(200);
    const policy = page.headers['content-security-policy'];
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-eval');

    const html = page.text;
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    // No inline script: 'self' alone lets the page run.
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src=/);
      expect(body.trim()).toBe('');
    }
    const assets = [...html.matchAll(/(?:src|href)=["']([^"']+\.(?:js|css))["']/g)].map(([, path]) => path);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//);
      await stack.http.get(new URL(asset, `${stack.baseUrl}/docs`).pathname).expect(200);
    }
  });

  it('lets Swagger UI render every route in a real browser, with no policy violation', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      // Runs in the page, typed by hand: the project's TypeScript has no DOM library.
      type Violation = { violatedDirective: string; blockedURI: string };
      type Watched = { violations: string[]; document: { addEventListener(type: string, listener: (event: Violation) => void): void } };
      await page.addInitScript(() => {
        const watched = globalThis as unknown as Watched;
        watched.violations = [];
        watched.document.addEventListener('securitypolicyviolation', (event) => watched.violations.push(`${event.violatedDirective} ${event.blockedURI}`));
      });
      await page.goto(`${stack.baseUrl}/docs`);
      await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
      expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
      expect(await page.evaluate(() => (globalThis as unknown as Watched).violations)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('pins HTTPS (HSTS) in production', async () => {
    const production = await startStack({
      shareDatabaseWith: stack,
      env: {
        NODE_ENV: 'production',
        RATE_LIMITS_ENABLED: 'true',
        AUTH_MAGIC_LINK_DELIVERY: 'smtp',
        SMTP_URL: 'smtp://127.0.0.1:2525',
        MAIL_FROM: 'FlowMate <no-reply@flowmate.test>',
        PUBLIC_APP_URL: 'https://app.flowmate.test',
      },
    });
    try {
      const answer = await production.http.get('/health/live').expect(200);
      expect(answer.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await production.stop();
    }
  });
});
