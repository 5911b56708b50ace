import { INTEGRATION_TOOL_NAMES, type IntegrationToolName, type JsonObject, type JsonValue } from '@flowmate/contracts';
import { ApplicationFailure } from '@temporalio/common';
import { startGitHubFake, type GitHubFake } from '../../../../test/fakes/github.fake';
import { startGoogleFake, type GoogleFake } from '../../../../test/fakes/google.fake';
import { startInstagramFake, type InstagramFake } from '../../../../test/fakes/instagram.fake';
import { FAKE_TOKEN, type FixtureResponse, type ProviderFake } from '../../../../test/fakes/provider-fake';
import { startSlackFake, type SlackFake } from '../../../../test/fakes/slack.fake';
import { startXFake, type XFake } from '../../../../test/fakes/x.fake';
import { CircuitBreakers } from '../circuit-breakers/circuit-breakers';
import { classifyError } from '../errors/classify-error';
import type { IntegrationCall, IntegrationTools } from './integration-tool';
import { createIntegrationTools } from './integration-tools';

interface Fakes {
  github: GitHubFake;
  google: GoogleFake;
  slack: SlackFake;
  x: XFake;
  instagram: InstagramFake;
}

type Label = 'GitHub' | 'Google' | 'Slack' | 'X' | 'Instagram';

interface ToolCase {
  tool: IntegrationToolName;
  label: Label;
  fake: (fakes: Fakes) => ProviderFake;
  /** A function where each call must differ (X refuses a duplicate post). */
  args: JsonObject | (() => JsonObject);
  /** What the tool answers, and what the fake saw happen. */
  check: (output: JsonValue, fakes: Fakes) => void;
}

const call = (accessToken = FAKE_TOKEN): IntegrationCall => ({ accessToken, signal: new AbortController().signal, idempotencyKey: `run-1:step/${Math.random()}` });

const many = <T>(count: number, make: (index: number) => T): T[] => Array.from({ length: count }, (_, index) => make(index));

/** Every integration tool against its provider's fake, through the real client library and the tool's breaker. */
describe('integration tools', () => {
  let fakes: Fakes;
  let tools: IntegrationTools<IntegrationToolName>;

  beforeAll(async () => {
    fakes = {
      github: await startGitHubFake({
        repos: many(7, (index) => ({ owner: 'acme', name: `repo${index}` })),
        pulls: { 'acme/web': many(7, (index) => ({ number: index + 1, title: `PR ${index + 1}`, user: { login: 'ada' }, draft: index === 0 })) },
        issues: { 'acme/web': [{ number: 20, title: 'Bug', labels: [{ name: 'bug' }], comments: 2 }] },
        files: { 'acme/web/docs/README.md': { content: 'Hello, docs' } },
      }),
      google: await startGoogleFake({
        messages: many(7, (index) => ({ id: `m${index}`, subject: `Invoice ${index}`, from: 'Bob <bob@example.com>', date: 'Mon, 1 Jan 2024 10:00:00 +0000', snippet: 'please pay' })),
        events: { primary: many(7, (index) => ({ id: `e${index}`, summary: `Standup ${index}`, start: { dateTime: `2024-01-0${index + 1}T09:00:00Z` }, end: { dateTime: `2024-01-0${index + 1}T09:15:00Z` } })) },
      }),
      slack: await startSlackFake({ channels: many(7, (index) => ({ id: `C${index}`, name: `team-${index}`, num_members: index })) }),
      x: await startXFake(),
      instagram: await startInstagramFake({ processing: { polls: 1, finalStatus: 'FINISHED' } }),
    };
    tools = createIntegrationTools(
      { github: fakes.github.url, google: fakes.google.url, slack: fakes.slack.url, x: fakes.x.url, instagram: fakes.instagram.url },
      new CircuitBreakers({ failureThreshold: 1_000, windowMs: 60_000, coolDownMs: 1_000 }),
    );
  });

  afterAll(async () => {
    await Promise.all(Object.values(fakes).map((fake: ProviderFake) => fake.close()));
  });

  let posts = 0;
  const cases: ToolCase[] = [
    {
      tool: 'github.listRepositories',
      label: 'GitHub',
      fake: (f) => f.github,
      args: {},
      check: (output) => expect(output).toMatchObject({ items: expect.arrayContaining([{ name: 'repo0', fullName: 'acme/repo0', private: false, url: expect.any(String) }]) }),
    },
    {
      tool: 'github.listPullRequests',
      label: 'GitHub',
      fake: (f) => f.github,
      args: { owner: 'acme', repo: 'web' },
      check: (output) =>
        expect((output as { items: unknown[] }).items[6]).toEqual({ number: 1, title: 'PR 1', url: expect.any(String), author: 'ada', state: 'open', draft: true, createdAt: expect.any(String) }),
    },
    {
      tool: 'github.listIssues',
      label: 'GitHub',
      fake: (f) => f.github,
      args: { owner: 'acme', repo: 'web', labels: ['bug'] },
      check: (output) => expect(output).toEqual({ items: [expect.objectContaining({ number: 20, title: 'Bug', labels: ['bug'], comments: 2 })] }),
    },
    {
      tool: 'github.createIssue',
      label: 'GitHub',
      fake: (f) => f.github,
      args: { owner: 'acme', repo: 'web', title: 'Digest', body: 'All good', labels: ['report'] },
      check: (output, f) => {
        expect(output).toEqual({ number: expect.any(Number), url: expect.stringContaining('/acme/web/issues/') });
        expect(f.github.createdIssues.at(-1)).toMatchObject({ title: 'Digest', body: 'All good', labels: ['report'] });
      },
    },
    {
      tool: 'github.createIssueComment',
      label: 'GitHub',
      fake: (f) => f.github,
      args: { owner: 'acme', repo: 'web', issueNumber: 20, body: 'Seen' },
      check: (output, f) => {
        expect(output).toEqual({ id: expect.any(Number), url: expect.any(String) });
        expect(f.github.comments.at(-1)).toMatchObject({ issueNumber: 20, body: 'Seen' });
      },
    },
    {
      tool: 'github.getFileContents',
      label: 'GitHub',
      fake: (f) => f.github,
      args: { owner: 'acme', repo: 'web', path: 'docs/README.md' },
      check: (output) => expect(output).toEqual({ path: 'docs/README.md', sha: expect.stringMatching(/^[0-9a-f]{40}$/), text: 'Hello, docs' }),
    },
    {
      tool: 'gmail.searchMessages',
      label: 'Google',
      fake: (f) => f.google,
      args: { query: 'invoice' },
      check: (output) =>
        expect((output as { items: unknown[] }).items[0]).toEqual({
          id: expect.any(String),
          threadId: expect.any(String),
          subject: expect.stringMatching(/^Invoice/),
          from: 'Bob <bob@example.com>',
          date: 'Mon, 1 Jan 2024 10:00:00 +0000',
          snippet: 'please pay',
        }),
    },
    {
      tool: 'gmail.sendMessage',
      label: 'Google',
      fake: (f) => f.google,
      args: { to: 'ada@example.com', subject: 'Grüße', body: 'Hallo\nWelt' },
      check: (output, f) => {
        expect(output).toEqual({ id: expect.any(String) });
        expect(f.google.sent.at(-1)).toMatchObject({ to: 'ada@example.com', subject: 'Grüße', body: 'Hallo\nWelt' });
      },
    },
    {
      tool: 'calendar.listEvents',
      label: 'Google',
      fake: (f) => f.google,
      args: {},
      check: (output) =>
        expect((output as { items: unknown[] }).items[0]).toEqual({ id: 'e0', summary: 'Standup 0', start: '2024-01-01T09:00:00Z', end: '2024-01-01T09:15:00Z', url: expect.any(String), attendees: [] }),
    },
    {
      tool: 'calendar.createEvent',
      label: 'Google',
      fake: (f) => f.google,
      args: { summary: 'Review', start: '2024-02-01T10:00:00Z', end: '2024-02-01T11:00:00Z', attendees: ['ada@example.com'] },
      check: (output, f) => {
        expect(output).toEqual({ id: expect.any(String), htmlLink: expect.any(String) });
        expect(f.google.createdEvents.at(-1)).toMatchObject({ summary: 'Review', attendees: [{ email: 'ada@example.com' }] });
      },
    },
    {
      tool: 'slack.postMessage',
      label: 'Slack',
      fake: (f) => f.slack,
      args: { channel: '#team-1', text: 'Deployed' },
      check: (output, f) => {
        expect(output).toEqual({ channel: 'C1', ts: expect.any(String) });
        expect(f.slack.posted.at(-1)).toMatchObject({ channel: 'C1', text: 'Deployed' });
      },
    },
    {
      tool: 'slack.listChannels',
      label: 'Slack',
      fake: (f) => f.slack,
      args: {},
      check: (output) => expect((output as { items: unknown[] }).items[2]).toEqual({ id: 'C2', name: 'team-2', private: false, members: 2 }),
    },
    {
      tool: 'x.createPost',
      label: 'X',
      fake: (f) => f.x,
      args: () => {
        posts += 1;
        return { text: `Shipped release ${posts}` };
      },
      check: (output, f) => expect(output).toEqual({ id: f.x.posts.at(-1)?.id }),
    },
    {
      tool: 'instagram.publishImage',
      label: 'Instagram',
      fake: (f) => f.instagram,
      args: { imageUrl: 'https://cdn.example.com/launch.png', caption: 'Launch day' },
      check: (output, f) => {
        expect(output).toEqual({ id: f.instagram.published.at(-1)?.mediaId });
        expect(f.instagram.published.at(-1)).toMatchObject({ imageUrl: 'https://cdn.example.com/launch.png', caption: 'Launch day' });
      },
    },
  ];

  const failureOf = async (promise: Promise<unknown>): Promise<ApplicationFailure> => {
    const error = await promise.then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApplicationFailure);
    return error as ApplicationFailure;
  };

  it('covers every integration tool', () => {
    expect(cases.map((each) => each.tool).sort()).toEqual([...INTEGRATION_TOOL_NAMES].sort());
  });

  describe.each(cases)('$tool', ({ tool, label, fake, args: argsOrMake, check }) => {
    const args = (): JsonObject => (typeof argsOrMake === 'function' ? argsOrMake() : argsOrMake);

    it('calls the provider with the connection and answers in its trimmed shape', async () => {
      check(await tools[tool](args(), call()), fakes);
    });

    it('fails at once on a refused token (401), with a type naming the provider', async () => {
      expect(await failureOf(tools[tool](args(), call('revoked-token')))).toMatchObject({ type: `${label}Unauthorized`, nonRetryable: true });
    });

    it('is retried after a 500, and the next attempt succeeds', async () => {
      fake(fakes).failNext(1, { status: 500, body: { error: 'boom' } });

      expect(await failureOf(tools[tool](args(), call()))).toMatchObject({ type: `${label}ServerError`, nonRetryable: false });
      check(await tools[tool](args(), call()), fakes);
    });

    it('waits at least Retry-After on a 429', async () => {
      fake(fakes).failNext(1, rateLimited(label));

      const failure = await failureOf(tools[tool](args(), call()));

      expect(failure).toMatchObject({ type: 'RateLimited', nonRetryable: false });
      expect(failure.nextRetryDelay).toBeGreaterThanOrEqual(label === 'X' ? 800_000 : 7_000);
    });
  });

  it.each<[IntegrationToolName, JsonObject, (f: Fakes) => ProviderFake]>([
    ['github.listRepositories', { maxResults: 3 }, (f) => f.github],
    ['github.listPullRequests', { owner: 'acme', repo: 'web', maxResults: 3 }, (f) => f.github],
    ['gmail.searchMessages', { query: '', maxResults: 3 }, (f) => f.google],
    ['calendar.listEvents', { maxResults: 3 }, (f) => f.google],
    ['slack.listChannels', { maxResults: 3 }, (f) => f.slack],
  ])('%s stops at maxResults and fetches no page it does not need', async (tool, args, fake) => {
    const before = fake(fakes).requests.length;

    const { items } = (await tools[tool](args, call())) as { items: unknown[] };

    expect(items).toHaveLength(3);
    // Gmail reads each message's headers after listing: one list call, three reads.
    expect(fake(fakes).requests.length - before).toBe(tool === 'gmail.searchMessages' ? 4 : 1);
  });

  it('follows pages until maxResults is reached', async () => {
    const { items } = (await tools['github.listRepositories']({ maxResults: 150 }, call())) as { items: unknown[] };
    expect(items).toHaveLength(7);
  });

  it('finds its own event instead of making a second one when a retried insert meets it (409)', async () => {
    const sameStep = call();
    const args = { summary: 'Once', start: '2024-03-01T10:00:00Z', end: '2024-03-01T11:00:00Z' };

    const first = await tools['calendar.createEvent'](args, sameStep);
    const again = await tools['calendar.createEvent'](args, sameStep);

    expect(again).toEqual(first);
    expect(fakes.google.createdEvents.filter((event) => event.summary === 'Once')).toHaveLength(1);
  });

  it('names the Slack error it got, as a reason', async () => {
    expect(await failureOf(tools['slack.postMessage']({ channel: '#nowhere', text: 'hi' }, call()))).toMatchObject({ type: 'SlackChannelNotFound', nonRetryable: true });
  });

  it('refuses a mail header with a line break instead of sending it', async () => {
    expect(await failureOf(tools['gmail.sendMessage']({ to: 'ada@example.com\r\nBcc: eve@example.com', subject: 'x', body: 'y' }, call()))).toMatchObject({
      type: 'InvalidToolArguments',
      nonRetryable: true,
    });
  });

  it('fails for good on a daily Google quota, but waits on a per-user rate limit', async () => {
    fakes.google.failNext(1, { status: 403, body: { error: { code: 403, message: 'Daily Limit Exceeded', errors: [{ reason: 'dailyLimitExceeded' }] } } });
    expect(await failureOf(tools['calendar.listEvents']({}, call()))).toMatchObject({ type: 'GoogleQuotaExceeded', nonRetryable: true });

    fakes.google.failNext(1, { status: 403, body: { error: { code: 403, message: 'User Rate Limit Exceeded', errors: [{ reason: 'userRateLimitExceeded' }] } } });
    expect(await failureOf(tools['calendar.listEvents']({}, call()))).toMatchObject({ type: 'RateLimited', nonRetryable: false });
  });

  it("puts each provider's host behind its own circuit breaker", async () => {
    const guarded = createIntegrationTools(
      { github: fakes.github.url, google: fakes.google.url, slack: fakes.slack.url, x: fakes.x.url, instagram: fakes.instagram.url },
      new CircuitBreakers({ failureThreshold: 2, windowMs: 60_000, coolDownMs: 60_000 }),
    );
    fakes.github.failNext(2, { status: 503, body: { message: 'unavailable' } });
    await failureOf(guarded['github.listRepositories']({}, call()));
    await failureOf(guarded['github.listRepositories']({}, call()));
    const before = fakes.github.requests.length;

    const refused = await guarded['github.createIssue']({ owner: 'acme', repo: 'web', title: 'x' }, call()).then(() => undefined, (error: unknown) => error);

    // The tool activity classifies what a tool throws; an open breaker becomes a retryable CircuitOpen.
    expect(classifyError(refused)).toMatchObject({ type: 'CircuitOpen', nonRetryable: false, nextRetryDelay: expect.any(Number) });
    expect(fakes.github.requests.length).toBe(before);
    expect(await guarded['slack.listChannels']({}, call())).toMatchObject({ items: expect.any(Array) });
  });

  it("waits until GitHub's rate limit resets when it has no requests left (403)", async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    fakes.github.failNext(1, { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: { message: 'API rate limit exceeded' } });

    const failure = await failureOf(tools['github.listRepositories']({}, call()));

    expect(failure).toMatchObject({ type: 'RateLimited', nonRetryable: false });
    expect(failure.nextRetryDelay).toBeGreaterThan(100_000);
  });
});

/** Each provider's 429 as it sends one: a Retry-After of 7 s, or X's reset time 15 minutes ahead. */
function rateLimited(label: Label): FixtureResponse {
  if (label === 'X') {
    return { status: 429, headers: { 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 900) }, body: { title: 'Too Many Requests', status: 429 } };
  }
  return { status: 429, headers: { 'retry-after': '7' }, body: label === 'Slack' ? { ok: false, error: 'ratelimited' } : { message: 'slow down' } };
}
