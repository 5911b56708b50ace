import { TERMINAL_RUN_STATUSES, type AgentDefinition } from '@flowmate/contracts';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { startGitHubFake, type GitHubFake } from '../fakes/github.fake';
import { startGoogleFake, type GoogleFake } from '../fakes/google.fake';
import { startSlackFake, type SlackFake } from '../fakes/slack.fake';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

const oauthApp = (provider: string): Record<string, string> => ({
  [`${provider}_CLIENT_ID`]: 'fake-client-id',
  [`${provider}_CLIENT_SECRET`]: 'fake-client-secret',
  [`${provider}_REDIRECT_URI`]: `http://127.0.0.1/api/v1/oauth/${provider.toLowerCase()}/callback`,
});

/** Connections, secrets and OAuth through the real API; agents that call GitHub, Slack, Gmail and Calendar through the real worker. */
describe('Integrations (e2e)', () => {
  let stack: Stack;
  let github: GitHubFake;
  let google: GoogleFake;
  let slack: SlackFake;
  let fixture: HttpFixture;
  let ada: Session;
  let grace: Session;

  beforeAll(async () => {
    github = await startGitHubFake({
      tokens: ['gho_ada'],
      pulls: { 'acme/web': [{ number: 7, title: 'Faster builds', user: { login: 'ada' } }, { number: 8, title: 'Dark mode', user: { login: 'grace' } }] },
    });
    google = await startGoogleFake({
      tokens: ['ya29.ada'],
      messages: [{ id: 'm1', subject: 'Design review', from: 'Bob <bob@example.com>', date: 'Mon, 1 Jan 2024 10:00:00 +0000', snippet: 'can we meet' }],
    });
    slack = await startSlackFake({ tokens: ['xoxb-ada'], channels: [{ id: 'C0DEV', name: 'dev' }] });
    fixture = await startHttpFixture({ 'GET /report': { body: { ok: true } } });
    stack = await startStack({
      worker: true,
      env: {
        GITHUB_API_URL: github.url,
        GITHUB_OAUTH_URL: github.url,
        GOOGLE_API_URL: google.url,
        GOOGLE_OAUTH_URL: google.url,
        SLACK_API_URL: slack.url,
        HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort,
        ...oauthApp('GITHUB'),
        ...oauthApp('GOOGLE'),
      },
    });
    ada = await signIn(stack, 'ada@example.com');
    grace = await signIn(stack, 'grace@example.com');
  });

  afterAll(async () => {
    await stack.stop();
    await Promise.all([github.close(), google.close(), slack.close(), fixture.close()]);
  });

  const as = (session: Session) => ({
    get: (path: string) => stack.http.get(path).set('Authorization', session.bearer),
    put: (path: string, body: object) => stack.http.put(path).set('Authorization', session.bearer).send(body),
    post: (path: string, body: object) => stack.http.post(path).set('Authorization', session.bearer).send(body),
    delete: (path: string) => stack.http.delete(path).set('Authorization', session.bearer),
  });

  const run = async (session: Session, definition: AgentDefinition, input: object = {}) => {
    const agent = await as(session).post('/api/v1/agents', definition).expect(201);
    const started = await as(session).post(`/api/v1/agents/${agent.body.id}/run`, { input }).expect(202);
    return pollUntil(
      async () => (await as(session).get(`/api/v1/runs/${started.body.runId}`).expect(200)).body,
      (body) => TERMINAL_RUN_STATUSES.includes(body.status),
      60_000,
    );
  };

  describe('connections', () => {
    it('checks a token with the provider, stores it encrypted and lists it without any secret', async () => {
      const { body } = await as(ada).put('/api/v1/integrations/slack', { accessToken: 'xoxb-ada', scopes: ['chat:write'] }).expect(200);

      expect(body).toEqual({ provider: 'slack', account: 'Fake Team/flowmate', scopes: ['chat:write'], connectedAt: expect.any(String), expiresAt: null, needsReauth: false });
      expect(slack.requests.at(-1)?.path).toBe('/api/auth.test');
      const listed = await as(ada).get('/api/v1/integrations').expect(200);
      expect(listed.body.items).toEqual([body]);
      expect(JSON.stringify(listed.body)).not.toContain('xoxb-ada');
      const [row] = await stack.db.query(`SELECT ciphertext FROM integration_credentials WHERE provider = 'slack'`);
      expect(row.ciphertext).toMatch(/^v1:test:/);
      expect(row.ciphertext).not.toContain('xoxb-ada');
    });

    it("refuses a token the provider refuses, with the provider's reason, and stores nothing", async () => {
      const { body } = await as(ada).put('/api/v1/integrations/github', { accessToken: 'gho_wrong' }).expect(400);

      expect(body).toMatchObject({ message: 'github refused the token', details: [{ path: 'accessToken', message: 'GitHub answered 401 Unauthorized: Bad credentials' }] });
      expect((await as(ada).get('/api/v1/integrations').expect(200)).body.items.map((item: { provider: string }) => item.provider)).not.toContain('github');
    });

    it('lists every problem of a bad request, and an unknown provider', async () => {
      const { body } = await as(ada).put('/api/v1/integrations/github', { expiresAt: 'soon', extra: 1 }).expect(400);
      expect([...new Set(body.details.map((detail: { path: string }) => detail.path))].sort()).toEqual(['accessToken', 'expiresAt', 'extra']);
      await as(ada).put('/api/v1/integrations/myspace', { accessToken: 'x' }).expect(400);
    });

    it("never shows, uses or deletes another user's connection", async () => {
      await as(ada).put('/api/v1/integrations/slack', { accessToken: 'xoxb-ada' }).expect(200);

      expect((await as(grace).get('/api/v1/integrations').expect(200)).body.items).toEqual([]);
      await as(grace).delete('/api/v1/integrations/slack').expect(404);
      const result = await run(grace, { name: 'Borrow', microAgents: [{ key: 'post', tools: ['slack.postMessage'], steps: [{ id: 'say', tool: 'slack.postMessage', args: { channel: '#dev', text: 'hi' } }] }] });
      expect(result).toMatchObject({ status: 'failed', error: { type: 'IntegrationNotConnected', message: expect.stringContaining('slack is not connected') } });
    });

    it('deletes a connection', async () => {
      await as(grace).put('/api/v1/integrations/slack', { accessToken: 'xoxb-ada' }).expect(200);
      await as(grace).delete('/api/v1/integrations/slack').expect(204);
      expect((await as(grace).get('/api/v1/integrations').expect(200)).body.items).toEqual([]);
    });
  });

  describe('OAuth connect', () => {
    const authorize = async (session: Session, provider: string) => {
      const { body } = await as(session).get(`/api/v1/oauth/${provider}/authorize`).expect(200);
      return new URL(body.url);
    };

    it('hands out the consent URL, exchanges the code at the callback and stores the tokens encrypted', async () => {
      const url = await authorize(ada, 'github');
      expect(`${url.origin}${url.pathname}`).toBe(`${github.url}/login/oauth/authorize`);
      expect(url.searchParams.get('client_id')).toBe('fake-client-id');
      github.oauth.codes.set('code-1', { access_token: 'gho_ada', refresh_token: 'ghr_ada', expires_in: 28_800, scope: 'repo' });

      const callback = await stack.http.get('/api/v1/oauth/github/callback').query({ code: 'code-1', state: url.searchParams.get('state') }).expect(200);

      expect(callback.body).toMatchObject({ provider: 'github', account: 'octocat', scopes: ['repo'], expiresAt: expect.any(String), needsReauth: false });
      const [row] = await stack.db.query(`SELECT ciphertext FROM integration_credentials WHERE provider = 'github' AND user_id = $1`, [ada.user.id]);
      expect(row.ciphertext).not.toMatch(/gho_ada|ghr_ada/);
    });

    it('refuses a state used once already, one forged, and one for another provider', async () => {
      const url = await authorize(ada, 'github');
      const state = url.searchParams.get('state') as string;
      github.oauth.codes.set('code-2', { access_token: 'gho_ada' });
      await stack.http.get('/api/v1/oauth/github/callback').query({ code: 'code-2', state }).expect(200);

      await stack.http.get('/api/v1/oauth/github/callback').query({ code: 'code-2', state }).expect(400);
      await stack.http.get('/api/v1/oauth/github/callback').query({ code: 'code-2', state: `${state.split('.')[0]}.forged` }).expect(400);
      const googleState = (await authorize(ada, 'google')).searchParams.get('state');
      await stack.http.get('/api/v1/oauth/github/callback').query({ code: 'code-2', state: googleState }).expect(400);
      await stack.http.get('/api/v1/oauth/github/callback').query({ code: 'code-2' }).expect(400);
    });

    it('says which providers connect by pasted token only', async () => {
      await as(ada).get('/api/v1/oauth/slack/authorize').expect(400);
      await as(ada).get('/api/v1/oauth/x/authorize').expect(400);
    });

    it('marks the connection needsReauth when the worker cannot refresh it, and the run says so', async () => {
      // Expiring within the refresh margin, with a refresh token Google no longer honours.
      const url = await authorize(grace, 'google');
      google.oauth.codes.set('code-g', { access_token: 'ya29.soon-gone', refresh_token: '1//revoked', expires_in: 30 });
      await stack.http.get('/api/v1/oauth/google/callback').query({ code: 'code-g', state: url.searchParams.get('state') }).expect(200);

      const result = await run(grace, { name: 'Inbox', microAgents: [{ key: 'read', tools: ['gmail.searchMessages'], steps: [{ id: 'find', tool: 'gmail.searchMessages', args: { query: 'review' } }] }] });

      expect(result).toMatchObject({ status: 'failed', error: { type: 'CredentialsNeedReauth' } });
      expect((await as(grace).get('/api/v1/integrations').expect(200)).body.items).toEqual([expect.objectContaining({ provider: 'google', needsReauth: true })]);
    });
  });

  describe('agents that use integrations', () => {
    it('chains GitHub → text.render → Slack with the stored tokens', async () => {
      await as(ada).put('/api/v1/integrations/slack', { accessToken: 'xoxb-ada' }).expect(200);
      const posted = slack.posted.length;

      const result = await run(ada, {
        name: 'PR digest',
        microAgents: [
          { key: 'collect', tools: ['github.listPullRequests'], steps: [{ id: 'prs', tool: 'github.listPullRequests', args: { owner: '{{input.owner}}', repo: '{{input.repo}}' } }] },
          {
            key: 'write',
            dependsOn: ['collect'],
            tools: ['text.render'],
            steps: [{ id: 'digest', tool: 'text.render', args: { template: 'Open PRs:{{#items}} #{{number}} {{title}} ({{author}});{{/items}}', data: '{{agents.collect.output}}' } }],
          },
          { key: 'post', dependsOn: ['write'], tools: ['slack.postMessage'], steps: [{ id: 'send', tool: 'slack.postMessage', args: { channel: '#dev', text: '{{agents.write.output.text}}' } }] },
        ],
      }, { owner: 'acme', repo: 'web' });

      expect(result).toMatchObject({ status: 'succeeded', output: { post: { channel: 'C0DEV', ts: expect.any(String) } } });
      expect(slack.posted.slice(posted)).toEqual([expect.objectContaining({ channel: 'C0DEV', text: 'Open PRs: #8 Dark mode (grace); #7 Faster builds (ada);' })]);
      const githubCall = github.requests.find((request) => request.path === '/repos/acme/web/pulls');
      expect(githubCall?.headers.authorization).toBe('token gho_ada');
    });

    it('chains Gmail → Calendar', async () => {
      await as(ada).put('/api/v1/integrations/google', { accessToken: 'ya29.ada' }).expect(200);

      const result = await run(ada, {
        name: 'Meet on request',
        microAgents: [
          { key: 'find', tools: ['gmail.searchMessages'], steps: [{ id: 'mail', tool: 'gmail.searchMessages', args: { query: 'review', maxResults: 1 } }] },
          {
            key: 'book',
            dependsOn: ['find'],
            tools: ['calendar.createEvent'],
            steps: [{ id: 'event', tool: 'calendar.createEvent', args: { summary: 'Re: {{agents.find.output.items.0.subject}}', start: '2024-01-02T10:00:00Z', end: '2024-01-02T10:30:00Z' } }],
          },
        ],
      });

      expect(result).toMatchObject({ status: 'succeeded', output: { book: { id: expect.any(String), htmlLink: expect.any(String) } } });
      expect(google.createdEvents.at(-1)).toMatchObject({ calendarId: 'primary', summary: 'Re: Design review' });
    });

    it('puts a secret where {{secrets.<name>}} stands in the call, and keeps the reference in the recorded step', async () => {
      await as(ada).put('/api/v1/secrets/reportKey', { value: 'rk-live-123' }).expect(200);
      const listed = await as(ada).get('/api/v1/secrets').expect(200);
      expect(listed.body.items).toEqual([{ name: 'reportKey', createdAt: expect.any(String), updatedAt: expect.any(String) }]);
      const before = fixture.requests.length;

      const result = await run(ada, {
        name: 'Report',
        microAgents: [
          { key: 'fetch', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: `${fixture.url}/report`, headers: { 'x-report-key': '{{secrets.reportKey}}' } } }] },
        ],
      });

      expect(result.status).toBe('succeeded');
      expect(fixture.requests.slice(before)[0].headers['x-report-key']).toBe('rk-live-123');
      expect(result.microAgents[0].steps[0].input.headers).toEqual({ 'x-report-key': '{{secrets.reportKey}}' });
      expect(JSON.stringify(result)).not.toContain('rk-live-123');
    });

    it('refuses a badly named secret and fails a run whose secret does not exist, naming it', async () => {
      await as(ada).put('/api/v1/secrets/not.valid', { value: 'x' }).expect(400);
      const result = await run(ada, {
        name: 'Missing',
        microAgents: [{ key: 'fetch', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: `${fixture.url}/report`, headers: { key: '{{secrets.nope}}' } } }] }],
      });
      expect(result).toMatchObject({ status: 'failed', error: { type: 'TemplateError', message: expect.stringContaining('there is no secret "nope"') } });
    });
  });
});
