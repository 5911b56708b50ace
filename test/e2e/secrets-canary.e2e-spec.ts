import { INTEGRATION_TOOL_NAMES, TERMINAL_RUN_STATUSES, type AgentDefinition, type IntegrationToolName, type JsonObject } from '@flowmate/contracts';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { randomBytes } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { startGitHubFake } from '../fakes/github.fake';
import { startGoogleFake } from '../fakes/google.fake';
import { startHttpFixture } from '../fakes/http-fixture';
import { startInstagramFake } from '../fakes/instagram.fake';
import { startSlackFake } from '../fakes/slack.fake';
import { startXFake } from '../fakes/x.fake';
import { signIn, type Session } from '../support/auth';
import { decodedPayloads } from '../support/history-payloads';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const canary = (name: string): string => `canary-${name}-${randomBytes(8).toString('hex')}`;

const CANARIES = {
  github: canary('github'),
  google: canary('google'),
  slack: `xoxb-${canary('slack')}`,
  x: canary('x'),
  instagram: canary('instagram'),
  secret: canary('secret'),
};

/** One step per integration tool, with the arguments it needs against the seeded fakes. */
const TOOL_ARGS: Record<IntegrationToolName, JsonObject> = {
  'github.listRepositories': {},
  'github.listPullRequests': { owner: 'acme', repo: 'web' },
  'github.listIssues': { owner: 'acme', repo: 'web' },
  'github.createIssue': { owner: 'acme', repo: 'web', title: 'From FlowMate' },
  'github.createIssueComment': { owner: 'acme', repo: 'web', issueNumber: 1, body: 'Seen' },
  'github.getFileContents': { owner: 'acme', repo: 'web', path: 'README.md' },
  'gmail.searchMessages': { query: '' },
  'gmail.sendMessage': { to: 'ada@example.com', subject: 'Hi', body: 'Hello' },
  'calendar.listEvents': {},
  'calendar.createEvent': { summary: 'Sync', start: '2024-01-02T10:00:00Z', end: '2024-01-02T10:30:00Z' },
  'slack.postMessage': { channel: '#general', text: 'Hello' },
  'slack.listChannels': {},
  'x.createPost': { text: 'Hello from FlowMate' },
  'instagram.publishImage': { imageUrl: 'https://cdn.example.com/a.png' },
};

/**
 * No secret reaches a workflow, a log, a run row, an event or an API response: every provider is connected with a
 * unique canary token and a secret holds one more; agents call every tool with them through a real worker
 * process logging at trace; then Temporal histories, every table but the two that hold ciphertext, both
 * processes' logs and every API response are searched.
 */
describe('no secret leaves the activity (canary, e2e)', () => {
  const apiLog: string[] = [];
  const logDestination: DestinationStream = { write: (line: string) => void apiLog.push(line) };
  const responses: string[] = [];
  let stack: Stack;
  let worker: WorkerProcess;
  let servers: Array<{ close(): Promise<void> }>;
  let session: Session;
  let runIds: string[];

  beforeAll(async () => {
    const github = await startGitHubFake({ tokens: [CANARIES.github], repos: [{ owner: 'acme', name: 'web' }], issues: { 'acme/web': [{ number: 1, title: 'Bug' }] }, files: { 'acme/web/README.md': { content: 'hi' } } });
    const google = await startGoogleFake({ tokens: [CANARIES.google] });
    const slack = await startSlackFake({ tokens: [CANARIES.slack] });
    const x = await startXFake({ tokens: [CANARIES.x] });
    const instagram = await startInstagramFake({ tokens: [CANARIES.instagram] });
    const fixture = await startHttpFixture({ 'GET /private': { body: { ok: true } } });
    servers = [github, google, slack, x, instagram, fixture];
    const endpoints = { GITHUB_API_URL: github.url, GOOGLE_API_URL: google.url, SLACK_API_URL: slack.url, X_API_URL: x.url, INSTAGRAM_API_URL: instagram.url };
    stack = await startStack({ env: { ...endpoints, LOG_LEVEL: 'trace', HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort }, logDestination });
    worker = await startWorkerProcess(stack.config, { ...endpoints, LOG_LEVEL: 'trace' });
    session = await signIn(stack, 'canary@example.com');

    const api = (request: ReturnType<Stack['http']['get']>) => request.set('Authorization', session.bearer).then((response) => (responses.push(response.text), response));
    for (const provider of ['github', 'google', 'slack', 'x', 'instagram'] as const) {
      const connected = await api(stack.http.put(`/api/v1/integrations/${provider}`).send({ accessToken: CANARIES[provider], refreshToken: `${CANARIES[provider]}-refresh` }));
      expect(connected.status).toBe(200);
    }
    expect((await api(stack.http.put('/api/v1/secrets/privateKey').send({ value: CANARIES.secret }))).status).toBe(200);

    const agents: AgentDefinition[] = [
      {
        name: 'Every integration tool',
        microAgents: INTEGRATION_TOOL_NAMES.map((tool) => ({ key: tool.replace('.', '-').toLowerCase(), tools: [tool], steps: [{ id: 'call', tool, args: TOOL_ARGS[tool] }] })),
      },
      {
        name: 'Secret in a header',
        microAgents: [{ key: 'fetch', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: `${fixture.url}/private`, headers: { 'x-private': 'Bearer {{secrets.privateKey}}' } } }] }],
      },
    ];
    runIds = [];
    for (const definition of agents) {
      const agent = await api(stack.http.post('/api/v1/agents').send(definition));
      runIds.push((await api(stack.http.post(`/api/v1/agents/${agent.body.id}/run`).send({}))).body.runId);
    }
    for (const runId of runIds) {
      const run = await pollUntil(async () => (await api(stack.http.get(`/api/v1/runs/${runId}`))).body, (body) => TERMINAL_RUN_STATUSES.includes(body.status), 90_000);
      expect(run).toMatchObject({ status: 'succeeded' });
    }
    await api(stack.http.get('/api/v1/integrations'));
    await api(stack.http.get('/api/v1/secrets'));
    // The tokens did reach the providers: the search below would find them if they leaked.
    expect(github.requests.some((request) => request.headers.authorization?.includes(CANARIES.github))).toBe(true);
    expect(fixture.requests.some((request) => request.headers['x-private'] === `Bearer ${CANARIES.secret}`)).toBe(true);
  }, 180_000);

  afterAll(async () => {
    worker?.process.kill('SIGTERM');
    await worker?.exited;
    await stack?.stop();
    await Promise.all((servers ?? []).map((server) => server.close()));
  });

  const leaks = (haystack: string): string[] => Object.entries(CANARIES).flatMap(([name, value]) => (haystack.includes(value) ? [name] : []));

  it('is in no Temporal history, raw or decoded', async () => {
    const histories: temporal.api.history.v1.IHistory[] = [];
    // Only this file's runs: others on the shared dev server are encrypted with their own stacks' keys.
    for (const runId of runIds) {
      for await (const execution of stack.temporal.workflow.list({ query: `WorkflowId STARTS_WITH "run-${runId}"` })) {
        histories.push(await stack.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory());
      }
    }
    expect(histories.length).toBe(runIds.length + INTEGRATION_TOOL_NAMES.length + 1);

    for (const history of histories) {
      expect(leaks(historyToJSON(history as temporal.api.history.v1.History))).toEqual([]);
      expect(leaks(JSON.stringify(await decodedPayloads(history, stack.config.payloadKeys)))).toEqual([]);
    }
  });

  it('is in no table but the two that hold it encrypted', async () => {
    const tables = (await stack.db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)) as Array<{ table_name: string }>;
    const searched = tables.map((table) => table.table_name).filter((name) => !['integration_credentials', 'user_secrets'].includes(name));
    expect(searched).toEqual(expect.arrayContaining(['agent_runs', 'run_steps', 'agents', 'users']));

    for (const table of searched) {
      const rows = await stack.db.query(`SELECT row_to_json(t)::text AS row FROM "${table}" t`);
      expect({ table, leaks: leaks(JSON.stringify(rows)) }).toEqual({ table, leaks: [] });
    }
    const encrypted = JSON.stringify(await stack.db.query(`SELECT * FROM integration_credentials UNION ALL SELECT id, user_id, name, ciphertext, key_id, NULL, NULL, '{}', NULL, false, created_at, updated_at FROM user_secrets`));
    expect(leaks(encrypted)).toEqual([]);
  });

  it("is in neither process's log, at trace level", () => {
    expect(apiLog.length).toBeGreaterThan(10);
    expect(worker.output().length).toBeGreaterThan(0);
    expect(leaks(apiLog.join('\n'))).toEqual([]);
    expect(leaks(worker.output())).toEqual([]);
  });

  it('is in no API response', () => {
    expect(responses.length).toBeGreaterThan(10);
    expect(leaks(responses.join('\n'))).toEqual([]);
  });
});
