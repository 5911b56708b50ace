import { startGitHubFake } from './github.fake';
import { googleError, startGoogleFake } from './google.fake';
import { startInstagramFake } from './instagram.fake';
import { FAKE_TOKEN } from './provider-fake';
import { startSlackFake } from './slack.fake';
import { startXFake } from './x.fake';

const bearer = (token = FAKE_TOKEN): Record<string, string> => ({ authorization: `Bearer ${token}` });
const form = (fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
  body: new URLSearchParams(fields),
});
/** A response body as the shape a test reads of it. */
const read = async <T>(response: Response | Promise<Response>): Promise<T> => (await (await response).json()) as T;
const json = (body: unknown, headers: Record<string, string> = bearer()): RequestInit => ({
  method: 'POST',
  headers: { ...headers, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('GitHub fake', () => {
  it('pages with a Link header back to itself, keeping the query, and refuses a bad token', async () => {
    const github = await startGitHubFake({ repos: Array.from({ length: 5 }, (_, i) => ({ owner: 'acme', name: `repo${i}` })) });
    try {
      const first = await fetch(`${github.url}/user/repos?per_page=2&sort=updated`, { headers: bearer() });
      expect((await read<Array<{ full_name: string }>>(first)).map((repo) => repo.full_name)).toEqual(['acme/repo0', 'acme/repo1']);
      expect(first.headers.get('link')).toBe(
        `<${github.url}/user/repos?per_page=2&sort=updated&page=2>; rel="next", <${github.url}/user/repos?per_page=2&sort=updated&page=3>; rel="last"`,
      );
      expect(first.headers.get('x-ratelimit-remaining')).toBe('4999');

      const last = await fetch(`${github.url}/user/repos?per_page=2&page=3`, { headers: { authorization: `token ${FAKE_TOKEN}` } });
      expect(await read<unknown[]>(last)).toHaveLength(1);
      expect(last.headers.get('link')).toContain('rel="prev"');

      const refused = await fetch(`${github.url}/user`, { headers: bearer('nope') });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ message: 'Bad credentials', documentation_url: expect.any(String) });
      expect(refused.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);

      const invalid = await fetch(`${github.url}/repos/acme/repo0/issues`, json({ body: 'no title' }));
      expect(invalid.status).toBe(422);
      expect(await invalid.json()).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'Issue', field: 'title', code: 'missing_field' }] });
      expect((await fetch(`${github.url}/repos/acme/missing/pulls`, { headers: bearer() })).status).toBe(404);
    } finally {
      await github.close();
    }
  });

  it('serves file contents as GitHub wraps base64, the path taken whole', async () => {
    const github = await startGitHubFake({ files: { 'acme/api/docs/guide.md': { content: 'x'.repeat(100) } } });
    try {
      const file = await read<{ content: string }>(fetch(`${github.url}/repos/acme/api/contents/docs/guide.md?ref=main`, { headers: bearer() }));
      expect(file).toMatchObject({ type: 'file', path: 'docs/guide.md', encoding: 'base64', size: 100 });
      expect(file.content.split('\n')[0]).toHaveLength(60);
      expect(Buffer.from(file.content, 'base64').toString()).toBe('x'.repeat(100));
    } finally {
      await github.close();
    }
  });

  it('exchanges a seeded code once, refreshes with rotation, and counts the calls', async () => {
    const github = await startGitHubFake();
    const { clientId, clientSecret } = github.oauth;
    github.oauth.codes.set('code-1', { access_token: 'gho_first', refresh_token: 'ghr_first' });
    github.oauth.refreshTokens.set('ghr_first', { access_token: 'gho_second', refresh_token: 'ghr_second' });
    const token = async (fields: Record<string, string>) =>
      (await fetch(`${github.url}/login/oauth/access_token`, form({ client_id: clientId, client_secret: clientSecret, ...fields }))).json();
    try {
      expect(await token({ code: 'code-1' })).toMatchObject({ access_token: 'gho_first', token_type: 'bearer', expires_in: 28800, refresh_token: 'ghr_first' });
      expect(await token({ code: 'code-1' })).toMatchObject({ error: 'bad_verification_code' });
      expect(await token({ grant_type: 'refresh_token', refresh_token: 'ghr_first' })).toMatchObject({ access_token: 'gho_second' });
      expect(await token({ grant_type: 'refresh_token', refresh_token: 'ghr_first' })).toMatchObject({ error: 'bad_refresh_token' });
      expect(github.oauth).toMatchObject({ tokenCalls: 4, refreshCalls: 2 });
      expect((await fetch(`${github.url}/user`, { headers: bearer('gho_second') })).status).toBe(200);
    } finally {
      await github.close();
    }
  });
});

describe('Slack fake', () => {
  it('pages conversations by cursor and refuses unknown channels the Slack way', async () => {
    const slack = await startSlackFake({ channels: ['a', 'b', 'c'].map((name, i) => ({ id: `C${i}`, name })) });
    const call = async (method: string, fields: Record<string, string>, token = FAKE_TOKEN) =>
      (await fetch(`${slack.url}${method}`, form(fields, bearer(token)))).json();
    try {
      expect(slack.url).toMatch(/\/api\/$/);
      const first = (await call('conversations.list', { limit: '2' })) as { channels: Array<{ name: string }>; response_metadata: { next_cursor: string } };
      expect(first.channels.map((channel) => channel.name)).toEqual(['a', 'b']);
      const second = await call('conversations.list', { limit: '2', cursor: first.response_metadata.next_cursor });
      expect(second).toMatchObject({ ok: true, channels: [{ id: 'C2' }], response_metadata: { next_cursor: '' } });

      expect(await call('chat.postMessage', { channel: '#nowhere', text: 'hi' })).toEqual({ ok: false, error: 'channel_not_found' });
      expect(await call('chat.postMessage', { channel: '#b', text: 'hi' })).toMatchObject({ ok: true, channel: 'C1', ts: expect.stringMatching(/^\d{10}\.\d{6}$/) });
      expect(slack.posted).toMatchObject([{ channel: 'C1', text: 'hi' }]);
      expect(await call('auth.test', {}, 'xoxb-wrong')).toEqual({ ok: false, error: 'invalid_auth' });

      slack.failNext(1, { status: 429, headers: { 'Retry-After': '1' } });
      const limited = await fetch(`${slack.url}auth.test`, { method: 'POST', headers: bearer() });
      expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
      expect(await call('auth.test', {})).toMatchObject({ ok: true, team_id: slack.team.id });
    } finally {
      await slack.close();
    }
  });
});

describe('Google fake', () => {
  it('pages Gmail with nextPageToken and answers a bad token with the Google error shape', async () => {
    const google = await startGoogleFake({
      messages: ['Invoice 1', 'Lunch', 'invoice 2'].map((subject, i) => ({ id: `m${i}`, subject, from: 'bob@example.com', date: 'Mon, 1 Jan 2024 10:00:00 +0000' })),
    });
    try {
      expect(google.url).toMatch(/\/$/);
      const first = await read<{ nextPageToken: string }>(fetch(`${google.url}gmail/v1/users/me/messages?q=INVOICE&maxResults=1`, { headers: bearer() }));
      expect(first).toMatchObject({ messages: [{ id: 'm0', threadId: 'm0' }], resultSizeEstimate: 2, nextPageToken: expect.any(String) });
      const second = await (await fetch(`${google.url}gmail/v1/users/me/messages?q=invoice&maxResults=1&pageToken=${first.nextPageToken}`, { headers: bearer() })).json();
      expect(second).toEqual({ messages: [{ id: 'm2', threadId: 'm2' }], resultSizeEstimate: 2 });

      const refused = await fetch(`${google.url}calendar/v3/calendars/primary/events`, { headers: bearer('expired') });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('invalid_token');
      expect(await refused.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED', errors: [{ domain: 'global', reason: 'authError' }] } });

      google.failNext(2, googleError(429, 'rateLimitExceeded'));
      for (let attempt = 0; attempt < 2; attempt += 1) expect((await fetch(`${google.url}oauth2/v3/userinfo`, { headers: bearer() })).status).toBe(429);
      expect(await (await fetch(`${google.url}oauth2/v3/userinfo`, { headers: bearer() })).json()).toMatchObject({ email: google.user.email, email_verified: true });
    } finally {
      await google.close();
    }
  });

  it('refuses a used code with 400 invalid_grant and keeps refresh tokens valid', async () => {
    const google = await startGoogleFake();
    const { clientId: client_id, clientSecret: client_secret } = google.oauth;
    google.oauth.codes.set('code-1', { access_token: 'ya29.first', refresh_token: '1//refresh' });
    google.oauth.refreshTokens.set('1//refresh', { access_token: 'ya29.next' });
    const token = (fields: Record<string, string>) => fetch(`${google.url}o/oauth2/token`, form({ client_id, client_secret, ...fields }));
    try {
      expect(await (await token({ grant_type: 'authorization_code', code: 'code-1' })).json()).toMatchObject({ access_token: 'ya29.first', expires_in: 3599, token_type: 'Bearer', refresh_token: '1//refresh' });
      const reused = await token({ grant_type: 'authorization_code', code: 'code-1' });
      expect([reused.status, await reused.json()]).toEqual([400, { error: 'invalid_grant', error_description: 'Bad Request' }]);
      for (let refresh = 0; refresh < 2; refresh += 1) expect(await (await token({ grant_type: 'refresh_token', refresh_token: '1//refresh' })).json()).not.toHaveProperty('refresh_token');
      expect(google.oauth).toMatchObject({ tokenCalls: 4, refreshCalls: 2 });
    } finally {
      await google.close();
    }
  });
});

describe('X fake', () => {
  it('creates a post with 201 and refuses one over 280 characters', async () => {
    const x = await startXFake();
    try {
      const created = await fetch(`${x.url}/2/tweets`, json({ text: 'hello' }));
      expect(created.status).toBe(201);
      const { data } = await read<{ data: unknown }>(created);
      expect(data).toEqual({ id: x.posts[0].id, text: 'hello', edit_history_tweet_ids: [x.posts[0].id] });
      const tooLong = await fetch(`${x.url}/2/tweets`, json({ text: 'a'.repeat(281) }));
      expect([tooLong.status, (await read<{ title: string }>(tooLong)).title]).toEqual([400, 'Invalid Request']);
      const refused = await fetch(`${x.url}/2/users/me`, { headers: bearer('nope') });
      expect(await refused.json()).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    } finally {
      await x.close();
    }
  });
});

describe('Instagram fake', () => {
  it('publishes a container once it has finished processing', async () => {
    const instagram = await startInstagramFake({ processing: { polls: 1, finalStatus: 'FINISHED' } });
    const post = (path: string, fields: Record<string, string>) => read<{ id: string }>(fetch(`${instagram.url}/${path}`, form({ access_token: FAKE_TOKEN, ...fields })));
    const status = (id: string) => read<unknown>(fetch(`${instagram.url}/${id}?fields=status_code&access_token=${FAKE_TOKEN}`));
    try {
      const me = await read<{ user_id: string }>(fetch(`${instagram.url}/me?fields=user_id,username&access_token=${FAKE_TOKEN}`));
      const container = await post(`${me.user_id}/media`, { image_url: 'https://img.example/cat.jpg', caption: 'cat' });
      expect(await status(container.id)).toEqual({ id: container.id, status_code: 'IN_PROGRESS' });
      expect(await post(`${me.user_id}/media_publish`, { creation_id: container.id })).toMatchObject({ error: { code: 9007 } });
      expect(await status(container.id)).toEqual({ id: container.id, status_code: 'FINISHED' });
      const media = await post(`${me.user_id}/media_publish`, { creation_id: container.id });
      expect(instagram.published).toEqual([{ mediaId: media.id, containerId: container.id, imageUrl: 'https://img.example/cat.jpg', caption: 'cat' }]);

      const refused = await fetch(`${instagram.url}/me?access_token=bad`);
      expect([refused.status, (await read<{ error: unknown }>(refused)).error]).toEqual([400, expect.objectContaining({ type: 'OAuthException', code: 190 })]);
      expect(await post(`${me.user_id}/media_publish`, { creation_id: '404' })).toMatchObject({ error: { type: 'OAuthException', code: 100 } });
    } finally {
      await instagram.close();
    }
  });
});
