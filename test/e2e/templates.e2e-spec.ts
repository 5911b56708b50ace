import { TERMINAL_RUN_STATUSES } from '@flowmate/contracts';
import { createHmac, randomUUID } from 'node:crypto';
import { startGitHubFake, type GitHubFake } from '../fakes/github.fake';
import { startGoogleFake, type GoogleFake } from '../fakes/google.fake';
import { startSlackFake, type SlackFake } from '../fakes/slack.fake';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

const WEBHOOK_SECRET = 'templates-webhook-secret';

/** Every built-in template, created and run end to end against the GitHub, Google and Slack fakes. */
describe('Agent templates (e2e)', () => {
  let stack: Stack;
  let github: GitHubFake;
  let google: GoogleFake;
  let slack: SlackFake;
  let ada: Session;

  const hour = 3600 * 1000;

  beforeAll(async () => {
    github = await startGitHubFake({
      tokens: ['gho_ada'],
      repos: [{ owner: 'acme', name: 'web' }],
      pulls: { 'acme/web': [{ number: 7, title: 'Faster builds', user: { login: 'ada' } }] },
      issues: { 'acme/web': [{ number: 12, title: 'Crash on start', user: { login: 'grace' } }] },
    });
    google = await startGoogleFake({
      tokens: ['ya29.ada'],
      messages: [
        { id: 'm1', subject: 'Design review', from: 'Bob <bob@example.com>', date: 'Mon, 1 Jan 2024 10:00:00 +0000', labelIds: ['INBOX', 'UNREAD'] },
        { id: 'm2', subject: 'Old news', from: 'Carol <carol@example.com>', date: 'Mon, 1 Jan 2024 09:00:00 +0000', labelIds: ['INBOX'] },
      ],
      events: {
        primary: [
          { id: 'e1', summary: 'Stand-up', start: { dateTime: new Date(Date.now() + hour).toISOString() }, end: { dateTime: new Date(Date.now() + 2 * hour).toISOString() } },
          { id: 'e2', summary: 'Offsite', start: { dateTime: new Date(Date.now() + 48 * hour).toISOString() }, end: { dateTime: new Date(Date.now() + 50 * hour).toISOString() } },
        ],
      },
    });
    slack = await startSlackFake({ tokens: ['xoxb-ada'], channels: [{ id: 'C0DEV', name: 'dev' }] });
    stack = await startStack({
      worker: true,
      env: { GITHUB_API_URL: github.url, GITHUB_OAUTH_URL: github.url, GOOGLE_API_URL: google.url, GOOGLE_OAUTH_URL: google.url, SLACK_API_URL: slack.url, GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET },
    });
    ada = await signIn(stack, 'ada@example.com');
    for (const [provider, accessToken] of [['github', 'gho_ada'], ['google', 'ya29.ada'], ['slack', 'xoxb-ada']]) {
      await stack.http.put(`/api/v1/integrations/${provider}`).set('Authorization', ada.bearer).send({ accessToken }).expect(200);
    }
  });
  afterAll(async () => {
    await stack.stop();
    await Promise.all([github.close(), google.close(), slack.close()]);
  });

  const fromTemplate = (body: object) => stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(body);
  const finishedRunOf = (agentId: string) =>
    pollUntil(
      async () => (await stack.http.get(`/api/v1/runs?agentId=${agentId}`).set('Authorization', ada.bearer).expect(200)).body.items[0],
      (run) => run !== undefined && TERMINAL_RUN_STATUSES.includes(run.status),
      30_000,
    );
  /** A scheduled template: its schedule exists, paused, with the parameters as input; one fire runs it. */
  async function fireSchedule(agentId: string, input: object): Promise<void> {
    const schedule = (await stack.http.get(`/api/v1/agents/${agentId}/schedule`).set('Authorization', ada.bearer).expect(200)).body;
    expect(schedule).toMatchObject({ paused: true, input });
    await stack.http.post(`/api/v1/agents/${agentId}/schedule/trigger`).set('Authorization', ada.bearer).expect(202);
    expect(await finishedRunOf(agentId)).toMatchObject({ status: 'succeeded', trigger: 'schedule' });
  }
  const lastPost = () => slack.posted.at(-1);

  it('lists the templates with what they need', async () => {
    const { body } = await stack.http.get('/api/v1/templates').set('Authorization', ada.bearer).expect(200);
    expect(body.map((template: { id: string }) => template.id)).toEqual(['github-pr-digest-to-slack', 'inbox-summary-to-slack', 'morning-calendar-brief', 'github-issue-responder']);
    expect(body[0]).toEqual({
      id: 'github-pr-digest-to-slack',
      name: expect.any(String),
      description: expect.any(String),
      connections: ['github', 'slack'],
      parameters: expect.objectContaining({ type: 'object', required: ['owner', 'repo', 'channel'] }),
      schedule: { cron: '0 9 * * 1-5', timezone: 'UTC' },
    });
  });

  it('refuses an unknown template and parameters that do not fit, every problem by path', async () => {
    const unknown = await fromTemplate({ fromTemplate: 'nope' }).expect(400);
    expect(unknown.body.details).toEqual([{ path: 'fromTemplate', message: expect.stringContaining('github-pr-digest-to-slack') }]);
    const bad = await fromTemplate({ fromTemplate: 'github-pr-digest-to-slack', input: { owner: 'acme', repo: 'web/../x' } }).expect(400);
    expect(bad.body.details).toEqual(expect.arrayContaining([{ path: 'input.channel', message: 'is required' }, { path: 'input.repo', message: expect.stringContaining('pattern') }]));
    await fromTemplate({ fromTemplate: 'inbox-summary-to-slack', colour: 'red' }).expect(400);
  });

  it('pull-request digest: posts the open pull requests to Slack', async () => {
    const input = { owner: 'acme', repo: 'web', channel: '#dev' };
    const agent = (await fromTemplate({ fromTemplate: 'github-pr-digest-to-slack', name: 'Web PRs', input }).expect(201)).body;
    expect(agent).toMatchObject({ name: 'Web PRs', inputSchema: expect.objectContaining({ required: ['owner', 'repo', 'channel'] }) });
    await fireSchedule(agent.id, input);
    expect(lastPost()).toMatchObject({ channel: 'C0DEV', text: expect.stringContaining('#7 Faster builds by ada') });
  });

  it('inbox summary: posts the unread messages only', async () => {
    const input = { channel: '#dev' };
    const agent = (await fromTemplate({ fromTemplate: 'inbox-summary-to-slack', input }).expect(201)).body;
    await fireSchedule(agent.id, input);
    expect(lastPost()?.text).toContain('Bob <bob@example.com>: Design review');
    expect(lastPost()?.text).not.toContain('Old news');
  });

  it('calendar brief: posts the events of the next 12 hours', async () => {
    const input = { channel: '#dev' };
    const agent = (await fromTemplate({ fromTemplate: 'morning-calendar-brief', input }).expect(201)).body;
    await fireSchedule(agent.id, input);
    expect(lastPost()?.text).toContain('Stand-up');
    expect(lastPost()?.text).not.toContain('Offsite');
  });

  it('issue responder: comments on an issue opened in the repository it watches', async () => {
    const agent = (await fromTemplate({ fromTemplate: 'github-issue-responder', input: { owner: 'acme', repo: 'web' } }).expect(201)).body;
    expect(agent.triggers).toEqual([{ type: 'github', events: ['issues.opened'], repository: 'acme/web' }]);
    await fromTemplate({ fromTemplate: 'github-issue-responder', input: { owner: 'acme', repo: 'secret' } }).expect(400);

    const payload = JSON.stringify({ action: 'opened', repository: { full_name: 'acme/web' }, sender: { login: 'grace' }, issue: { number: 12, title: 'Crash on start', html_url: 'https://github.com/acme/web/issues/12', labels: [] } });
    await stack.http
      .post('/api/v1/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'issues')
      .set('X-GitHub-Delivery', randomUUID())
      .set('X-Hub-Signature-256', `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(payload).digest('hex')}`)
      .send(payload)
      .expect(202);
    const run = await finishedRunOf(agent.id);
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'webhook', error: null });
    expect(github.comments).toEqual([expect.objectContaining({ owner: 'acme', repo: 'web', issueNumber: 12, body: 'Thanks @grace for opening “Crash on start”. We will look at it soon.' })]);
  });
});
