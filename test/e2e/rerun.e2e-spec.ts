import { TERMINAL_RUN_STATUSES, type AgentDefinition } from '@flowmate/contracts';
import { WorkflowNotFoundError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { recordHistory } from '../support/recorded-histories';
import { startStack, type Stack } from '../support/stack';

interface StepBody {
  id: string;
  status: string;
  input: { url: string } | null;
  output: { body: { call: number } } | null;
  reusedFrom: { runId: string; stepKey: string } | null;
}

interface MicroAgentBody {
  key: string;
  status: string;
  workflowId: string | null;
  reusedFrom: { runId: string; stepKey: string } | null;
  steps: StepBody[];
}

interface RunBody {
  id: string;
  status: string;
  agentVersion: number;
  trigger: string;
  rerunOf: string | null;
  input: Record<string, string>;
  output: Record<string, { body: { call: number } }> | null;
  microAgents: MicroAgentBody[];
}

/** Reruns through the real API, worker, Temporal and Postgres; every HTTP call of a run lands on a fixture that counts them. */
describe('reruns (e2e)', () => {
  let stack: Stack;
  let fixture: HttpFixture;
  let ada: Session;
  let bob: Session;
  /** Calls per path: each answer says which call of its path it was, so a reused output is told apart from a fresh one. */
  const calls = new Map<string, number>();

  beforeAll(async () => {
    fixture = await startHttpFixture((request) => {
      const path = new URL(request.path, 'http://fixture').pathname;
      calls.set(path, (calls.get(path) ?? 0) + 1);
      return { body: { path, call: calls.get(path) } };
    });
    stack = await startStack({ worker: true, env: { HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort } });
    ada = await signIn(stack, 'ada@example.com');
    bob = await signIn(stack, 'bob@example.com');
  });
  afterAll(async () => {
    await stack.stop();
    await fixture.close();
  });

  /** a → b → c, each one GET; b and c put the call number of the one before into their URL. */
  const chain = (bVersion = 1): AgentDefinition => ({
    name: 'Chain',
    microAgents: [
      { key: 'a', tools: ['http.request'], steps: [{ id: 'fetch', tool: 'http.request', args: { method: 'GET', url: '{{input.baseUrl}}/a?tag={{input.tag}}' } }] },
      {
        key: 'b',
        dependsOn: ['a'],
        tools: ['http.request'],
        steps: [{ id: 'fetch', tool: 'http.request', args: { method: 'GET', url: `{{input.baseUrl}}/b?v=${bVersion}&after={{agents.a.output.body.call}}` } }],
      },
      {
        key: 'c',
        dependsOn: ['b'],
        tools: ['http.request'],
        steps: [{ id: 'fetch', tool: 'http.request', args: { method: 'GET', url: '{{input.baseUrl}}/c?after={{agents.b.output.body.call}}' } }],
      },
    ],
  });

  /** A fixture prefix of its own per test, so call counts never mix. */
  const chainInput = (tag = 'first') => {
    const prefix = `/${randomUUID()}`;
    return { prefix, input: { baseUrl: `${fixture.url}${prefix}`, tag } };
  };
  const callsOf = (prefix: string, key: string): number => calls.get(`${prefix}/${key}`) ?? 0;

  const createAgent = async (definition: AgentDefinition = chain()): Promise<string> =>
    (await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(201)).body.id;

  const runOf = async (runId: string, session: Session = ada): Promise<RunBody> =>
    (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', session.bearer).expect(200)).body;
  const finished = (runId: string) => pollUntil(() => runOf(runId), (run) => TERMINAL_RUN_STATUSES.includes(run.status as never), 60_000);

  const finishedRun = async (agentId: string, input: object): Promise<RunBody> =>
    finished((await stack.http.post(`/api/v1/agents/${agentId}/run`).set('Authorization', ada.bearer).send({ input }).expect(202)).body.runId);

  const rerun = (runId: string, body: object = {}, session: Session = ada) =>
    stack.http.post(`/api/v1/runs/${runId}/rerun`).set('Authorization', session.bearer).send(body);

  const microAgent = (run: RunBody, key: string): MicroAgentBody => run.microAgents.find((agent) => agent.key === key) as MicroAgentBody;

  it('reruns from a middle micro agent: upstream reused, not called again; it and downstream run again', async () => {
    const agentId = await createAgent();
    const { prefix, input } = chainInput();
    const source = await finishedRun(agentId, input);
    expect(source.status).toBe('succeeded');
    expect([callsOf(prefix, 'a'), callsOf(prefix, 'b'), callsOf(prefix, 'c')]).toEqual([1, 1, 1]);

    const started = await rerun(source.id, { from: 'b' }).expect(202);
    expect(started.body).toEqual({
      runId: expect.any(String),
      workflowId: `run-${started.body.runId}`,
      status: 'queued',
      temporalUiUrl: expect.stringContaining(`run-${started.body.runId}`),
    });
    const run = await finished(started.body.runId);

    expect(run).toMatchObject({ status: 'succeeded', rerunOf: source.id, trigger: 'manual', agentVersion: 1, input });
    expect([callsOf(prefix, 'a'), callsOf(prefix, 'b'), callsOf(prefix, 'c')]).toEqual([1, 2, 2]);
    expect(run.microAgents.map((agent) => [agent.key, agent.status])).toEqual([
      ['a', 'reused'],
      ['b', 'succeeded'],
      ['c', 'succeeded'],
    ]);
    const a = microAgent(run, 'a');
    expect(a.reusedFrom).toEqual({ runId: source.id, stepKey: 'a' });
    expect(a.workflowId).toBeNull();
    expect(a.steps).toEqual([
      expect.objectContaining({ id: 'fetch', status: 'reused', reusedFrom: { runId: source.id, stepKey: 'a/fetch' }, output: microAgent(source, 'a').steps[0].output }),
    ]);
    // b's template read a's recorded output: the first call of /a.
    expect(microAgent(run, 'b').steps[0].input?.url).toBe(`${input.baseUrl}/b?v=1&after=1`);
    expect(run.output?.a).toEqual(source.output?.a);
    expect(run.output?.c.body.call).toBe(2);

    // A reused output is served whole like any other, and no child workflow ran for it.
    const whole = await stack.http.get(`/api/v1/runs/${run.id}/steps/a/output`).set('Authorization', ada.bearer).expect(200);
    expect(whole.body.output).toEqual(source.output?.a);
    await expect(stack.temporal.workflow.getHandle(`run-${run.id}/a`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await recordHistory('main-agent-rerun', await stack.temporal.workflow.getHandle(`run-${run.id}`).fetchHistory(), stack.config.payloadKeys);
    const events = await stack.db.query(`SELECT data FROM run_events WHERE run_id = $1 AND type = 'micro_agent.reused'`, [run.id]);
    expect(events).toEqual([{ data: { key: 'a', from: { runId: source.id, stepKey: 'a' } } }]);

    // A rerun of the rerun links its reused rows to where they were first recorded.
    const again = await finished((await rerun(run.id, { from: 'c' }).expect(202)).body.runId);
    expect(again.microAgents.map((agent) => [agent.key, agent.status, agent.reusedFrom?.runId ?? null])).toEqual([
      ['a', 'reused', source.id],
      ['b', 'reused', run.id],
      ['c', 'succeeded', null],
    ]);
    expect(microAgent(again, 'a').steps[0].reusedFrom).toEqual({ runId: source.id, stepKey: 'a/fetch' });
    expect([callsOf(prefix, 'a'), callsOf(prefix, 'b'), callsOf(prefix, 'c')]).toEqual([1, 2, 3]);
    expect(microAgent(again, 'c').steps[0].input?.url).toBe(`${input.baseUrl}/c?after=2`);
  });

  it('reruns everything without from, with the input of the run unless another is given', async () => {
    const agentId = await createAgent();
    const { prefix, input } = chainInput();
    const source = await finishedRun(agentId, input);

    const same = await finished((await rerun(source.id).expect(202)).body.runId);
    expect(same).toMatchObject({ status: 'succeeded', rerunOf: source.id, input });
    expect(same.microAgents.map((agent) => agent.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect([callsOf(prefix, 'a'), callsOf(prefix, 'b'), callsOf(prefix, 'c')]).toEqual([2, 2, 2]);

    const other = { ...input, tag: 'second' };
    const overridden = await finished((await rerun(source.id, { input: other }).expect(202)).body.runId);
    expect(overridden).toMatchObject({ status: 'succeeded', rerunOf: source.id, input: other });
    expect(microAgent(overridden, 'a').steps[0].input?.url).toBe(`${input.baseUrl}/a?tag=second`);
    expect(callsOf(prefix, 'a')).toBe(3);
  });

  it('reruns the agent version the run used, not the one the agent has now', async () => {
    const agentId = await createAgent(chain(1));
    const { prefix, input } = chainInput();
    const source = await finishedRun(agentId, input);
    await stack.http.put(`/api/v1/agents/${agentId}`).set('Authorization', ada.bearer).send(chain(2)).expect(200);

    const run = await finished((await rerun(source.id, { from: 'b' }).expect(202)).body.runId);

    expect(run).toMatchObject({ status: 'succeeded', agentVersion: 1 });
    expect(microAgent(run, 'b').steps[0].input?.url).toBe(`${input.baseUrl}/b?v=1&after=1`);
    expect(callsOf(prefix, 'a')).toBe(1);
  });

  it('starts one rerun per Idempotency-Key, and refuses the key for another request', async () => {
    const agentId = await createAgent();
    const source = await finishedRun(agentId, chainInput().input);

    const first = await rerun(source.id, { from: 'c' }).set('Idempotency-Key', 'rerun-1').expect(202);
    const second = await rerun(source.id, { from: 'c' }).set('Idempotency-Key', 'rerun-1').expect(202);
    expect(second.body.runId).toBe(first.body.runId);
    const other = await rerun(source.id, { from: 'b' }).set('Idempotency-Key', 'rerun-1').expect(422);
    expect(other.body.message).toContain('different request');

    await finished(first.body.runId);
    const reruns = await stack.db.query(`SELECT id FROM agent_runs WHERE rerun_of = $1`, [source.id]);
    expect(reruns).toEqual([{ id: first.body.runId }]);
  });

  it('refuses a from that is no micro agent of the version (400), another user\'s run (404), and a run whose agent is gone (409)', async () => {
    const agentId = await createAgent();
    const source = await finishedRun(agentId, chainInput().input);

    const unknown = await rerun(source.id, { from: 'nope' }).expect(400);
    expect(unknown.body.details).toEqual([{ path: 'from', message: '"nope" is not a micro agent of version 1 of this agent (a, b, c)' }]);
    const malformed = await rerun(source.id, { from: 'Not A Key' }).expect(400);
    expect(malformed.body.details.map((problem: { path: string }) => problem.path)).toEqual(['from']);
    await rerun(source.id, {}, bob).expect(404);

    await stack.http.delete(`/api/v1/agents/${agentId}`).set('Authorization', ada.bearer).expect(204);
    const gone = await rerun(source.id).expect(409);
    expect(gone.body.message).toContain('agent is in the trash');
    const runs = await stack.db.query(`SELECT id FROM agent_runs WHERE rerun_of = $1`, [source.id]);
    expect(runs).toEqual([]);
  });

  it('refuses to rerun a delegated run (409)', async () => {
    await createAgent();
    const delegated = await stack.http.post('/api/v1/agents/delegate/task').set('Authorization', ada.bearer).send({ task: 'fetch a' }).expect(202);

    const refused = await rerun(delegated.body.runId).expect(409);

    expect(refused.body.message).toContain('delegated run cannot be rerun');
    await finished(delegated.body.runId);
  });
});
