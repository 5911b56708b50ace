import { SEARCH_ATTRIBUTES, TERMINAL_RUN_STATUSES, type AgentDefinition } from '@flowmate/contracts';
import { temporal } from '@temporalio/proto';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { signIn, type Session } from '../support/auth';
import { decodedPayloads } from '../support/history-payloads';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

const START_CHILD = temporal.api.enums.v1.EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED;
const ACTIVITY_SCHEDULED = temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
/** Just under the 5 MiB the HTTP tool reads of a response. */
const BIG_BODY = 'x'.repeat(5 * 1024 * 1024 - 1024);
const PREVIEW_BYTES = 16_384;

describe('runs (e2e): API + worker + Temporal + Postgres', () => {
  let stack: Stack;
  let fixture: HttpFixture;
  let ada: Session;
  let bob: Session;

  beforeAll(async () => {
    fixture = await startHttpFixture({
      'GET /users': { body: [{ name: 'ada' }, { name: 'grace' }], delayMs: 200 },
      'GET /repos': { body: [{ name: 'engine' }, { name: 'web' }], delayMs: 200 },
      'GET /missing': { status: 404, body: { message: 'Not Found' } },
      'GET /big': { body: BIG_BODY },
    });
    stack = await startStack({ worker: true, env: { HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort } });
    ada = await signIn(stack, 'ada@example.com');
    bob = await signIn(stack, 'bob@example.com');
  });
  afterAll(async () => {
    await stack.stop();
    await fixture.close();
  });

  const createAgent = async (session: Session, definition: AgentDefinition): Promise<string> =>
    (await stack.http.post('/api/v1/agents').set('Authorization', session.bearer).send(definition).expect(201)).body.id;

  const startRun = (session: Session, agentId: string, input: object, idempotencyKey?: string) => {
    const call = stack.http.post(`/api/v1/agents/${agentId}/run`).set('Authorization', session.bearer);
    return (idempotencyKey ? call.set('Idempotency-Key', idempotencyKey) : call).send({ input });
  };

  const finishedRun = (session: Session, runId: string) =>
    pollUntil(
      async () => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', session.bearer).expect(200)).body,
      (run) => TERMINAL_RUN_STATUSES.includes(run.status),
    );

  it('runs three micro agents through parent and child workflows and records every step', async () => {
    const agentId = await createAgent(ada, factory.digestAgent());

    const started = await startRun(ada, agentId, { baseUrl: fixture.url }).expect(202);
    expect(started.body).toEqual({
      runId: expect.any(String),
      workflowId: `run-${started.body.runId}`,
      status: 'queued',
      temporalUiUrl: `http://127.0.0.1:8233/namespaces/default/workflows/run-${started.body.runId}`,
    });

    const run = await finishedRun(ada, started.body.runId);
    expect(run).toMatchObject({ status: 'succeeded', input: { baseUrl: fixture.url }, error: null, trigger: 'manual', agentVersion: 1 });
    expect(run.output.digest).toEqual({ text: 'Users: ada grace | Repos: engine web ' });
    expect(run.output.users).toMatchObject({ status: 200, body: [{ name: 'ada' }, { name: 'grace' }] });
    expect(run.microAgents.map((agent: { key: string; status: string }) => [agent.key, agent.status])).toEqual([
      ['users', 'succeeded'],
      ['repos', 'succeeded'],
      ['digest', 'succeeded'],
    ]);
    const digest = run.microAgents[2];
    expect(digest.workflowId).toBe(`run-${run.id}/digest`);
    expect(digest.steps).toEqual([
      expect.objectContaining({
        id: 'render',
        tool: 'text.render',
        status: 'succeeded',
        attempts: 1,
        input: expect.objectContaining({ data: { users: [{ name: 'ada' }, { name: 'grace' }], repos: [{ name: 'engine' }, { name: 'web' }] } }),
        output: { text: 'Users: ada grace | Repos: engine web ' },
        error: null,
      }),
    ]);
    expect(run.microAgents[0].steps[0]).toMatchObject({ tool: 'http.request', input: { method: 'GET', url: `${fixture.url}/users` } });
    expect(new Date(run.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(run.startedAt).getTime());

    // Independent micro agents overlap (each started before the other finished); digest started after both.
    const [users, repos] = run.microAgents;
    const time = (iso: string) => new Date(iso).getTime();
    expect(time(users.startedAt)).toBeLessThan(time(repos.finishedAt));
    expect(time(repos.startedAt)).toBeLessThan(time(users.finishedAt));
    expect(time(digest.startedAt)).toBeGreaterThanOrEqual(Math.max(time(users.finishedAt), time(repos.finishedAt)));

    const parent = stack.temporal.workflow.getHandle(run.workflowId);
    const history = await parent.fetchHistory();
    expect(history.events?.filter((event) => event.eventType === START_CHILD)).toHaveLength(3);
    const description = await parent.describe();
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.userId)).toBe(ada.user.id);
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.agentId)).toBe(agentId);
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.trigger)).toBe('manual');
    expect(await description.memo).toMatchObject({ agentName: 'Team digest' });

    // The Web UI's timeline reads like the agent: micro agent and mode on each child, step and tool on each activity.
    const child = stack.temporal.workflow.getHandle(`${run.workflowId}/digest`);
    expect(await (await child.describe()).staticSummary()).toBe('digest · steps');
    const scheduled = (await child.fetchHistory()).events?.filter((event) => event.eventType === ACTIVITY_SCHEDULED) ?? [];
    const summaries = await decodedPayloads({ events: scheduled.map((event) => ({ userMetadata: event.userMetadata })) }, stack.config.payloadKeys);
    expect(summaries).toContain('render · text.render');
  });

  it('keeps tool outputs out of workflow history', async () => {
    const agentId = await createAgent(ada, factory.digestAgent());
    const { body } = await startRun(ada, agentId, { baseUrl: fixture.url }).expect(202);
    await finishedRun(ada, body.runId);

    // 'grace' and 'engine' appear only in the fixture's responses.
    for (const workflowId of [`run-${body.runId}`, `run-${body.runId}/users`, `run-${body.runId}/repos`, `run-${body.runId}/digest`]) {
      const decoded = JSON.stringify(await decodedPayloads(await stack.temporal.workflow.getHandle(workflowId).fetchHistory(), stack.config.payloadKeys));
      expect(decoded).toContain(body.runId);
      expect(decoded).not.toMatch(/grace|engine/);
    }
  });

  it('starts one run per Idempotency-Key', async () => {
    const agentId = await createAgent(ada, factory.agent());

    const first = await startRun(ada, agentId, {}, 'key-1').expect(202);
    const second = await startRun(ada, agentId, {}, 'key-1').expect(202);

    expect(second.body.runId).toBe(first.body.runId);
    const runs = await stack.http.get(`/api/v1/runs?agentId=${agentId}`).set('Authorization', ada.bearer).expect(200);
    expect(runs.body.items).toHaveLength(1);
    await finishedRun(ada, first.body.runId);
    const executions = await pollUntil(
      async () => (await stack.temporal.workflow.count(`FlowMateAgentId = "${agentId}" AND WorkflowType = "mainAgentWorkflow"`)).count,
      (count) => count >= 1,
    );
    expect(executions).toBe(1);
  });

  it('refuses an Idempotency-Key reused for a different request with 422', async () => {
    const agentId = await createAgent(ada, factory.agent());
    const first = await startRun(ada, agentId, { n: 1 }, 'key-2').expect(202);

    const reused = await startRun(ada, agentId, { n: 2 }, 'key-2').expect(422);

    expect(reused.body.message).toContain('different request');
    await finishedRun(ada, first.body.runId);
  });

  it('fails the run with the failing step\'s error and skips what depended on it', async () => {
    const agentId = await createAgent(ada, {
      name: 'broken',
      microAgents: [
        { key: 'fetch', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: `${fixture.url}/missing` } }] },
        factory.microAgent({ key: 'after', dependsOn: ['fetch'] }),
      ],
    });

    const { body } = await startRun(ada, agentId, {}).expect(202);
    const run = await finishedRun(ada, body.runId);

    expect(run.status).toBe('failed');
    expect(run.error).toEqual({ type: 'HttpClientError', message: expect.stringContaining('404') });
    expect(run.microAgents[0]).toMatchObject({ key: 'fetch', status: 'failed', steps: [{ status: 'failed', attempts: 1 }] });
    expect(run.microAgents[1]).toMatchObject({ key: 'after', status: 'skipped', steps: [] });
  });

  it('refuses private addresses at run time unless allow-listed', async () => {
    const agentId = await createAgent(ada, {
      name: 'metadata',
      microAgents: [{ key: 'peek', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: 'http://169.254.169.254/latest/meta-data' } }] }],
    });

    const { body } = await startRun(ada, agentId, {}).expect(202);
    const run = await finishedRun(ada, body.runId);

    expect(run.status).toBe('failed');
    expect(run.error.type).toBe('AddressNotAllowed');
  });

  it('lists runs newest first with a cursor', async () => {
    const agentId = await createAgent(bob, factory.agent());
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await startRun(bob, agentId, {}).expect(202)).body.runId);

    const first = await stack.http.get('/api/v1/runs?limit=2').set('Authorization', bob.bearer).expect(200);
    const second = await stack.http.get(`/api/v1/runs?limit=2&cursor=${first.body.nextCursor}`).set('Authorization', bob.bearer).expect(200);

    expect([...first.body.items, ...second.body.items].map((run: { id: string }) => run.id)).toEqual(ids.reverse());
    expect(second.body.nextCursor).toBeNull();
    await stack.http.get('/api/v1/runs?cursor=forged').set('Authorization', bob.bearer).expect(400);
    await Promise.all(ids.map((id) => finishedRun(bob, id)));
  });

  it('hides another user\'s agents and runs behind 404', async () => {
    const agentId = await createAgent(ada, factory.agent());
    const { body } = await startRun(ada, agentId, {}).expect(202);

    await stack.http.get(`/api/v1/runs/${body.runId}`).set('Authorization', bob.bearer).expect(404);
    await startRun(bob, agentId, {}).expect(404);
    const bobsRuns = await stack.http.get(`/api/v1/runs?agentId=${agentId}`).set('Authorization', bob.bearer).expect(200);
    expect(bobsRuns.body.items).toEqual([]);
    await finishedRun(ada, body.runId);
  });

  it('answers GET /runs/:id small for a run of 50 steps of 5 MiB each, and serves each output whole on its own', async () => {
    const microAgents = Array.from({ length: 5 }, (_, agent) => ({
      key: `big-${agent}`,
      tools: ['http.request' as const],
      steps: Array.from({ length: 10 }, (_, step) => ({ id: `get-${step}`, tool: 'http.request' as const, args: { method: 'GET', url: `${fixture.url}/big` } })),
    }));
    const agentId = await createAgent(ada, { name: 'Large outputs', microAgents });
    const { body } = await startRun(ada, agentId, {}).expect(202);
    await pollUntil(
      async () => (await stack.db.query(`SELECT status FROM agent_runs WHERE id = $1`, [body.runId]))[0].status,
      (status) => TERMINAL_RUN_STATUSES.includes(status),
      120_000,
    );

    const response = await stack.http.get(`/api/v1/runs/${body.runId}`).set('Authorization', ada.bearer).expect(200);

    expect(response.body.status).toBe('succeeded');
    expect(Buffer.byteLength(response.text)).toBeLessThan(1024 * 1024);
    const steps = response.body.microAgents.flatMap((agent: { steps: unknown[] }) => agent.steps);
    expect(steps).toHaveLength(50);
    for (const step of steps) {
      expect(step).toMatchObject({ status: 'succeeded', outputTruncated: true, outputBytes: expect.any(Number), inputTruncated: false });
      expect(step.outputBytes).toBeGreaterThan(5_000_000);
      expect(step.output.length).toBe(PREVIEW_BYTES);
    }
    expect(response.body.microAgents[0]).toMatchObject({ key: 'big-0', outputStepId: 'get-9' });
    expect(response.body.output['big-0']).toBe(steps[9].output);

    const whole = await stack.http.get(`/api/v1/runs/${body.runId}/steps/${encodeURIComponent('big-0/get-3')}/output`).set('Authorization', ada.bearer).expect(200);
    expect(whole.body).toEqual({ stepKey: 'big-0/get-3', output: expect.objectContaining({ status: 200, body: BIG_BODY }) });
    const ofMicroAgent = await stack.http.get(`/api/v1/runs/${body.runId}/steps/big-4/output`).set('Authorization', ada.bearer).expect(200);
    expect(ofMicroAgent.body.output.body).toBe(BIG_BODY);
    const stored = await stack.db.query(`SELECT count(*)::int AS outputs FROM run_steps WHERE run_id = $1 AND output IS NOT NULL`, [body.runId]);
    expect(stored).toEqual([{ outputs: 50 }]);
  }, 180_000);

  it('serves one step output to its owner only, and 404 for a step with none', async () => {
    const agentId = await createAgent(ada, factory.digestAgent());
    const { body } = await startRun(ada, agentId, { baseUrl: fixture.url }).expect(202);
    await finishedRun(ada, body.runId);

    const digest = await stack.http.get(`/api/v1/runs/${body.runId}/steps/digest/output`).set('Authorization', ada.bearer).expect(200);
    expect(digest.body).toEqual({ stepKey: 'digest', output: { text: 'Users: ada grace | Repos: engine web ' } });
    await stack.http.get(`/api/v1/runs/${body.runId}/steps/digest/output`).set('Authorization', bob.bearer).expect(404);
    await stack.http.get(`/api/v1/runs/${body.runId}/steps/${encodeURIComponent('digest/nope')}/output`).set('Authorization', ada.bearer).expect(404);
  });
});
