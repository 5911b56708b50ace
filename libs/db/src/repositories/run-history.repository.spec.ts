import type { JsonValue, RunError } from '@flowmate/contracts';
import type { DataSource } from 'typeorm';
import { openMigratedDatabase, type MigratedDatabase } from '../../../../test/support/database';
import { factory } from '../../../../test/support/factory';
import { AgentsRepository } from './agents.repository';
import { appendRunEvent } from './run-events';
import { RunHistoryRepository, type PlannedStep, type ToolStepRef } from './run-history.repository';
import { RunsRepository } from './runs.repository';
import { UsersRepository } from './users.repository';

interface StepRow {
  step_key: string;
  micro_agent_key: string;
  kind: string;
  position: number;
  tool: string | null;
  status: string;
  attempts: number;
  input: JsonValue;
  output: JsonValue;
  output_bytes: number | null;
  output_step_key: string | null;
  error: RunError | null;
  workflow_id: string | null;
  started_at: string | null;
  finished_at: string | null;
}

interface RunRow {
  status: string;
  error: RunError | null;
  started_at: string | null;
  finished_at: string | null;
}

describe(RunHistoryRepository.name, () => {
  let database: MigratedDatabase;
  let db: DataSource;
  let sut: RunHistoryRepository;
  let newRun: (input?: JsonValue) => Promise<string>;

  beforeAll(async () => {
    database = await openMigratedDatabase(4);
    db = database.db;
    sut = new RunHistoryRepository(db);

    const user = await new UsersRepository(db).findOrCreateByEmail('history@example.com');
    const agent = await new AgentsRepository(db).create(user.id, factory.agent());
    const runs = new RunsRepository(db);
    newRun = async (input = {}) => (await runs.createQueued({ userId: user.id, agentId: agent.id, agentVersion: 1, trigger: 'manual', input })).run.id;
  });

  afterAll(async () => {
    await database?.close();
  });

  const toolStep = (runId: string, overrides: Partial<ToolStepRef> = {}): ToolStepRef => ({
    runId,
    microAgentKey: 'fetch',
    stepId: 'get',
    position: 0,
    tool: 'http.request',
    ...overrides,
  });

  const planned = (overrides: Partial<PlannedStep> & Pick<PlannedStep, 'id'>): PlannedStep => ({ position: 0, tool: 'text.render', ...overrides });

  // Timestamps as text keep Postgres' microseconds, which a JS Date would round away.
  const stepRows = (runId: string): Promise<StepRow[]> =>
    db.query(
      `SELECT step_key, micro_agent_key, kind, position, tool, status, attempts, input, output, output_bytes, output_step_key, error, workflow_id,
              started_at::text, finished_at::text
         FROM run_steps WHERE run_id = $1 ORDER BY kind, micro_agent_key, position`,
      [runId],
    );

  const stepRow = async (runId: string, stepKey: string): Promise<StepRow | undefined> =>
    (await stepRows(runId)).find((row) => row.step_key === stepKey);

  const runRow = async (runId: string): Promise<RunRow> =>
    (
      (await db.query(`SELECT status, error, started_at::text, finished_at::text FROM agent_runs WHERE id = $1`, [runId])) as RunRow[]
    )[0];

  /** A micro agent that ran its steps to the end, the way the workflow records it. */
  const finishedMicroAgent = async (runId: string, key: string, outputs: Record<string, JsonValue>): Promise<void> => {
    const ids = Object.keys(outputs);
    await sut.markMicroAgentStarted(runId, key, `run-${runId}/${key}`, ids.map((id, position) => planned({ id, position })));
    for (const [position, id] of ids.entries()) {
      const step = toolStep(runId, { microAgentKey: key, stepId: id, position, tool: 'text.render' });
      await sut.startStepAttempt(step, 1);
      await sut.markStepSucceeded(step, 1, { template: id }, outputs[id]);
    }
    await sut.markMicroAgentFinished(runId, key, 'succeeded', null, ids[ids.length - 1]);
  };

  describe('markRunStarted', () => {
    it('marks the run running and adds one pending row per micro agent, in definition order', async () => {
      const runId = await newRun();

      await sut.markRunStarted(runId, ['users', 'repos', 'digest']);

      expect(await runRow(runId)).toMatchObject({ status: 'running', started_at: expect.any(String), finished_at: null });
      expect((await stepRows(runId)).map(({ step_key, micro_agent_key, kind, position, status }) => ({ step_key, micro_agent_key, kind, position, status }))).toEqual([
        { step_key: 'digest', micro_agent_key: 'digest', kind: 'micro_agent', position: 2, status: 'pending' },
        { step_key: 'repos', micro_agent_key: 'repos', kind: 'micro_agent', position: 1, status: 'pending' },
        { step_key: 'users', micro_agent_key: 'users', kind: 'micro_agent', position: 0, status: 'pending' },
      ]);
    });

    it('is idempotent: a second call adds no rows, keeps started_at and reports no start', async () => {
      const runId = await newRun();
      expect(await sut.markRunStarted(runId, ['a', 'b'])).toBe('manual');
      const first = await runRow(runId);

      expect(await sut.markRunStarted(runId, ['a', 'b'])).toBeNull();

      const second = await runRow(runId);
      expect(second.status).toBe('running');
      expect(second.started_at).toBe(first.started_at);
      expect((await stepRows(runId)).map((row) => row.step_key)).toEqual(['a', 'b']);
    });

    it('does not reopen a run that already finished', async () => {
      const runId = await newRun();
      await sut.markRunStarted(runId, ['a']);
      await sut.markRunFinished(runId, 'failed', { type: 'Boom', message: 'boom' });

      await sut.markRunStarted(runId, ['a']);

      expect((await runRow(runId)).status).toBe('failed');
    });

    it('reopens a run the API recorded as not started once its workflow turns up after all', async () => {
      const runId = await newRun();
      await db.query(`UPDATE agent_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [
        runId,
        { type: 'StartFailed', message: 'Temporal could not be reached; the run was not started' },
      ]);

      await sut.markRunStarted(runId, ['a']);

      expect(await runRow(runId)).toMatchObject({ status: 'running', error: null, finished_at: null });
    });
  });

  describe('markMicroAgentStarted', () => {
    it('marks the micro agent running with its workflow id and inserts its tool steps as pending', async () => {
      const runId = await newRun();
      await sut.markRunStarted(runId, ['fetch']);

      await sut.markMicroAgentStarted(runId, 'fetch', `run-${runId}/fetch`, [
        planned({ id: 'get', position: 0, tool: 'http.request' }),
        planned({ id: 'render', position: 1, tool: 'text.render' }),
      ]);

      const rows = await stepRows(runId);
      expect(rows.find((row) => row.kind === 'micro_agent')).toMatchObject({
        step_key: 'fetch',
        status: 'running',
        workflow_id: `run-${runId}/fetch`,
        started_at: expect.any(String),
      });
      expect(rows.filter((row) => row.kind === 'tool')).toEqual([
        expect.objectContaining({ step_key: 'fetch/get', micro_agent_key: 'fetch', position: 0, tool: 'http.request', status: 'pending', attempts: 0 }),
        expect.objectContaining({ step_key: 'fetch/render', micro_agent_key: 'fetch', position: 1, tool: 'text.render', status: 'pending', attempts: 0 }),
      ]);
    });

    it('inserts the tool rows once and never resets a step that already ran', async () => {
      const runId = await newRun();
      await sut.markRunStarted(runId, ['fetch']);
      const steps = [planned({ id: 'get', position: 0, tool: 'http.request' }), planned({ id: 'render', position: 1 })];
      await sut.markMicroAgentStarted(runId, 'fetch', 'wf', steps);
      const startedAt = (await stepRow(runId, 'fetch'))?.started_at;
      await sut.markStepSucceeded(toolStep(runId), 1, { method: 'GET' }, { status: 200 });

      await sut.markMicroAgentStarted(runId, 'fetch', 'wf', steps);

      const rows = await stepRows(runId);
      expect(rows.map((row) => row.step_key)).toEqual(['fetch', 'fetch/get', 'fetch/render']);
      expect(rows[0].started_at).toBe(startedAt);
      expect(rows[1]).toMatchObject({ status: 'succeeded', output: { status: 200 } });
      expect(rows[2]).toMatchObject({ status: 'pending' });
    });
  });

  describe('tool step upserts', () => {
    it('records running, then succeeded with input, output and times, in one row', async () => {
      const runId = await newRun();
      const step = toolStep(runId);

      await sut.startStepAttempt(step, 1);
      expect(await stepRows(runId)).toEqual([
        expect.objectContaining({ step_key: 'fetch/get', kind: 'tool', tool: 'http.request', status: 'running', attempts: 1, finished_at: null }),
      ]);

      await sut.markStepSucceeded(step, 1, { method: 'GET', url: 'https://example.com' }, { status: 200, body: 'ok' });

      expect(await stepRows(runId)).toEqual([
        expect.objectContaining({
          step_key: 'fetch/get',
          status: 'succeeded',
          attempts: 1,
          input: { method: 'GET', url: 'https://example.com' },
          output: { status: 200, body: 'ok' },
          error: null,
          started_at: expect.any(String),
          finished_at: expect.any(String),
        }),
      ]);
    });

    it('stores U+0000 and unpaired surrogates, which jsonb refuses, as U+FFFD instead of failing', async () => {
      const runId = await newRun();

      await sut.markStepSucceeded(toolStep(runId), 1, { note: 'a\u0000b' }, { body: ['x\u0000', { 'k\u0000': '\ud800 \udc00 \ud83d\ude00' }] });

      expect(await stepRows(runId)).toEqual([
        expect.objectContaining({ status: 'succeeded', input: { note: 'a\uFFFDb' }, output: { body: ['x\uFFFD', { 'k\uFFFD': '\uFFFD \uFFFD \ud83d\ude00' }] } }),
      ]);
    });

    it('stores a string output as a JSON string, not as raw text', async () => {
      const runId = await newRun();

      await sut.markStepSucceeded(toolStep(runId), 1, 'plain input', 'plain output');

      expect(await stepRow(runId, 'fetch/get')).toMatchObject({ input: 'plain input', output: 'plain output' });
    });

    it('keeps one row through retries: attempts is the latest attempt and the error of a failed attempt is cleared', async () => {
      const runId = await newRun();
      const step = toolStep(runId);
      const failure = { type: 'HttpServerError', message: 'GET https://example.com/ answered 500 Internal Server Error' };

      await sut.startStepAttempt(step, 1);
      await sut.markStepFailed(step, 1, failure, { method: 'GET' });
      expect(await stepRow(runId, 'fetch/get')).toMatchObject({ status: 'failed', attempts: 1, error: failure, input: { method: 'GET' } });

      await sut.startStepAttempt(step, 2);
      expect(await stepRow(runId, 'fetch/get')).toMatchObject({ status: 'running', attempts: 2, error: null, finished_at: null });

      await sut.markStepSucceeded(step, 2, { method: 'GET' }, { status: 200 });
      await sut.markStepSucceeded(step, 2, { method: 'GET' }, { status: 200 });

      const rows = await stepRows(runId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'succeeded', attempts: 2, error: null, output: { status: 200 } });
    });

    it('never lowers attempts when an earlier attempt writes after a later one', async () => {
      const runId = await newRun();
      const step = toolStep(runId);

      await sut.startStepAttempt(step, 3);
      await sut.startStepAttempt(step, 2);

      expect(await stepRow(runId, 'fetch/get')).toMatchObject({ attempts: 3 });
    });

    it('keeps the result of the latest attempt when a superseded attempt reports late', async () => {
      // Attempt 1 timed out and only notices at its next heartbeat, after attempt 2 already succeeded.
      const runId = await newRun();
      const step = toolStep(runId);
      await sut.startStepAttempt(step, 1);
      await sut.startStepAttempt(step, 2);
      await sut.markStepSucceeded(step, 2, { method: 'GET' }, { status: 200 });

      await sut.markStepFailed(step, 1, { type: 'CancelledFailure', message: 'TIMED_OUT' });

      const rows = await stepRows(runId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'succeeded', attempts: 2, output: { status: 200 }, error: null });
    });

    it('keeps the recorded input when a failure happens before the input was resolved', async () => {
      const runId = await newRun();
      const step = toolStep(runId);
      await sut.markStepFailed(step, 1, { type: 'HttpServerError', message: '500' }, { method: 'GET' });

      await sut.markStepFailed(step, 2, { type: 'TemplateError', message: 'no value' });

      expect(await stepRow(runId, 'fetch/get')).toMatchObject({ input: { method: 'GET' }, attempts: 2, error: { type: 'TemplateError', message: 'no value' } });
    });
  });

  describe('model calls', () => {
    const modelStep = (runId: string) => ({ runId, microAgentKey: 'team', stepId: 'llm-1', position: 0, kind: 'llm' as const });
    const call = (provider: string, outcome: 'succeeded' | 'failed', tokens: number) => ({
      provider,
      model: `${provider}-model`,
      outcome,
      ...(outcome === 'failed' ? { error: { type: 'LlmServerError', message: '503' } } : {}),
      tokens,
      durationMs: 5,
    });

    it('appends every attempt\'s calls with its attempt number and adds up the tokens of every attempt', async () => {
      const runId = await newRun();
      const step = modelStep(runId);
      await sut.startStepAttempt(step, 1);
      await sut.markStepFailed(step, 1, { type: 'InvalidModelAnswer', message: 'not JSON' }, undefined, { tokens: 30, modelCalls: [call('primary', 'succeeded', 30)] });
      await sut.startStepAttempt(step, 2);

      await sut.markStepSucceeded(step, 2, {}, { text: 'done' }, { tokens: 12, finishReason: 'stop', modelCalls: [call('primary', 'failed', 0), call('local', 'succeeded', 12)] });

      const [row] = (await db.query(`SELECT tokens, model_calls FROM run_steps WHERE run_id = $1`, [runId])) as Array<{ tokens: number; model_calls: JsonValue }>;
      expect(row.tokens).toBe(42);
      expect(row.model_calls).toEqual([
        { attempt: 1, ...call('primary', 'succeeded', 30) },
        { attempt: 2, ...call('primary', 'failed', 0) },
        { attempt: 2, ...call('local', 'succeeded', 12) },
      ]);
      expect(await sut.tokensUsed(runId)).toBe(42);
    });

    it('counts the tokens of tool steps that asked a model (llm.generate) toward the run', async () => {
      const runId = await newRun();
      const step = toolStep(runId, { tool: 'llm.generate' });
      await sut.startStepAttempt(step, 1);

      await sut.markStepSucceeded(step, 1, { prompt: 'hi' }, { text: 'hello' }, { tokens: 9, modelCalls: [call('local', 'succeeded', 9)] });

      expect(await sut.tokensUsed(runId)).toBe(9);
    });
  });

  describe('markMicroAgentFinished', () => {
    it("refers to the last step's output, stored once, and skips the steps that never ran", async () => {
      const runId = await newRun();
      await sut.markRunStarted(runId, ['fetch']);
      await sut.markMicroAgentStarted(runId, 'fetch', 'wf', [planned({ id: 'get', position: 0 }), planned({ id: 'render', position: 1 }), planned({ id: 'notify', position: 2 })]);
      await sut.markStepSucceeded(toolStep(runId, { stepId: 'get' }), 1, {}, { text: 'first' });
      await sut.markStepSucceeded(toolStep(runId, { stepId: 'render', position: 1 }), 1, {}, { text: 'second' });

      await sut.markMicroAgentFinished(runId, 'fetch', 'succeeded', null, 'render');

      const rows = await stepRows(runId);
      expect(rows.find((row) => row.step_key === 'fetch')).toMatchObject({
        status: 'succeeded',
        output: null,
        output_step_key: 'fetch/render',
        error: null,
        finished_at: expect.any(String),
      });
      expect(rows.find((row) => row.step_key === 'fetch/render')).toMatchObject({ output: { text: 'second' }, output_bytes: 17 });
      expect(rows.filter((row) => row.kind === 'tool').map((row) => [row.step_key, row.status])).toEqual([
        ['fetch/get', 'succeeded'],
        ['fetch/render', 'succeeded'],
        ['fetch/notify', 'skipped'],
      ]);
    });

    it('records a failure with its error and no output, and leaves other micro agents alone', async () => {
      const runId = await newRun();
      await sut.markRunStarted(runId, ['fetch', 'other']);
      await sut.markMicroAgentStarted(runId, 'fetch', 'wf', [planned({ id: 'get', position: 0 }), planned({ id: 'render', position: 1 })]);
      await sut.markMicroAgentStarted(runId, 'other', 'wf2', [planned({ id: 'get', position: 0 })]);
      const error = { type: 'HttpClientError', message: 'GET https://example.com/ answered 404 Not Found' };
      await sut.markStepFailed(toolStep(runId), 1, error, { method: 'GET' });

      await sut.markMicroAgentFinished(runId, 'fetch', 'failed', error);

      const rows = await stepRows(runId);
      expect(rows.find((row) => row.step_key === 'fetch')).toMatchObject({ status: 'failed', error, output: null, output_step_key: null });
      expect(rows.find((row) => row.step_key === 'fetch/render')).toMatchObject({ status: 'skipped' });
      expect(rows.find((row) => row.step_key === 'other')).toMatchObject({ status: 'running' });
      expect(rows.find((row) => row.step_key === 'other/get')).toMatchObject({ status: 'pending' });
    });
  });

  describe('markRunFinished', () => {
    it('on success closes the run, copying no output: each stays in its step alone', async () => {
      const runId = await newRun();
      await sut.markRunStarted(runId, ['users', 'digest']);
      await finishedMicroAgent(runId, 'users', { fetch: { status: 200, body: [{ name: 'ada' }] } });
      await finishedMicroAgent(runId, 'digest', { render: { text: 'draft' }, polish: { text: 'Users: ada' } });

      await sut.markRunFinished(runId, 'succeeded', null);

      expect(await runRow(runId)).toEqual({ status: 'succeeded', error: null, started_at: expect.any(String), finished_at: expect.any(String) });
      const stored = (await stepRows(runId)).filter((row) => row.output !== null).map((row) => row.step_key);
      expect(stored.sort()).toEqual(['digest/polish', 'digest/render', 'users/fetch']);
    });

    it('on failure stores the error, keeps output empty and skips the micro agents and steps that never ran', async () => {
      const runId = await newRun();
      await sut.markRunStarted(runId, ['users', 'repos', 'digest']);
      await finishedMicroAgent(runId, 'users', { fetch: { status: 200 } });
      await sut.markMicroAgentStarted(runId, 'repos', 'wf', [planned({ id: 'fetch', position: 0 }), planned({ id: 'sort', position: 1 })]);
      const error = { type: 'HttpClientError', message: 'answered 404' };
      await sut.markStepFailed(toolStep(runId, { microAgentKey: 'repos', stepId: 'fetch' }), 1, error);
      await sut.markMicroAgentFinished(runId, 'repos', 'failed', error);

      await sut.markRunFinished(runId, 'failed', error);

      expect(await runRow(runId)).toMatchObject({ status: 'failed', error, finished_at: expect.any(String) });
      const statuses = Object.fromEntries((await stepRows(runId)).map((row) => [row.step_key, row.status]));
      expect(statuses).toEqual({
        users: 'succeeded',
        'users/fetch': 'succeeded',
        repos: 'failed',
        'repos/fetch': 'failed',
        'repos/sort': 'skipped',
        digest: 'skipped',
      });
    });

    it('keeps the first finished_at when called again', async () => {
      const runId = await newRun();
      await sut.markRunStarted(runId, ['a']);
      await sut.markRunFinished(runId, 'cancelled', { type: 'Cancelled', message: 'cancelled by user' });
      const first = await runRow(runId);

      await sut.markRunFinished(runId, 'cancelled', { type: 'Cancelled', message: 'cancelled by user' });

      expect((await runRow(runId)).finished_at).toBe(first.finished_at);
    });
  });

  describe('loadTemplateContext', () => {
    it('returns the run input and only the named outputs that succeeded', async () => {
      const runId = await newRun({ city: 'Lyon', ids: [1, 2] });
      await sut.markRunStarted(runId, ['named', 'unnamed', 'broken', 'current']);
      await finishedMicroAgent(runId, 'named', { only: { text: 'named output' } });
      await finishedMicroAgent(runId, 'unnamed', { only: { text: 'not asked for' } });
      await sut.markMicroAgentFinished(runId, 'broken', 'failed', { type: 'Boom', message: 'boom' });
      await sut.markMicroAgentStarted(runId, 'current', 'wf', [planned({ id: 'first' }), planned({ id: 'second', position: 1 })]);
      await sut.markStepSucceeded(toolStep(runId, { microAgentKey: 'current', stepId: 'first' }), 1, {}, { text: 'first output' });
      await sut.markStepSucceeded(toolStep(runId, { microAgentKey: 'current', stepId: 'unasked', position: 2 }), 1, {}, { text: 'unasked' });
      await sut.startStepAttempt(toolStep(runId, { microAgentKey: 'current', stepId: 'second', position: 1 }), 1);

      const context = await sut.loadTemplateContext(runId, 'current', {
        agentKeys: ['named', 'broken', 'current', 'absent'],
        stepIds: ['first', 'second', 'only'],
      });

      expect(context).toEqual({
        input: { city: 'Lyon', ids: [1, 2] },
        agents: { named: { output: { text: 'named output' } } },
        steps: { first: { output: { text: 'first output' } } },
      });
    });

    it('reads steps of the asking micro agent only', async () => {
      const runId = await newRun();
      await sut.markStepSucceeded(toolStep(runId, { microAgentKey: 'other', stepId: 'render' }), 1, {}, { text: 'other' });

      const context = await sut.loadTemplateContext(runId, 'mine', { agentKeys: [], stepIds: ['render'] });

      expect(context.steps).toEqual({});
    });

    it('returns only the input when no output is named', async () => {
      const runId = await newRun({ x: 1 });

      expect(await sut.loadTemplateContext(runId, 'fetch', { agentKeys: [], stepIds: [] })).toEqual({ input: { x: 1 }, agents: {}, steps: {} });
    });

    it('fails for a run that does not exist', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';

      await expect(sut.loadTemplateContext(missing, 'fetch', { agentKeys: [], stepIds: [] })).rejects.toThrow(`run ${missing} does not exist`);
    });
  });

  describe('the run events it writes with the history', () => {
    const eventsOf = async (runId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> =>
      db.query(`SELECT type, data FROM run_events WHERE run_id = $1 ORDER BY id`, [runId]);

    it('writes one event per transition, however often a retried activity repeats it', async () => {
      const runId = await newRun();

      await sut.markRunStarted(runId, ['fetch']);
      await sut.markRunStarted(runId, ['fetch']);
      await sut.markMicroAgentStarted(runId, 'fetch', `run-${runId}/fetch`, [planned({ id: 'get' })]);
      await sut.markMicroAgentStarted(runId, 'fetch', `run-${runId}/fetch`, [planned({ id: 'get' })]);
      await sut.startStepAttempt(toolStep(runId), 1);
      await sut.markStepSucceeded(toolStep(runId), 1, { url: 'https://example.com' }, { body: 'ok' });
      await sut.markStepSucceeded(toolStep(runId), 1, { url: 'https://example.com' }, { body: 'ok' });
      await sut.markMicroAgentFinished(runId, 'fetch', 'succeeded', null, 'get');
      await sut.markMicroAgentFinished(runId, 'fetch', 'succeeded', null, 'get');
      const closed = [await sut.markRunFinished(runId, 'succeeded', null), await sut.markRunFinished(runId, 'succeeded', null)];

      expect(closed).toEqual([{ trigger: 'manual', seconds: expect.any(Number) }, null]);
      expect(await eventsOf(runId)).toEqual([
        { type: 'run.started', data: { status: 'running' } },
        { type: 'micro_agent.started', data: { key: 'fetch' } },
        { type: 'step.started', data: { stepKey: 'fetch/get', kind: 'tool', tool: 'http.request', attempt: 1 } },
        {
          type: 'step.finished',
          data: {
            stepKey: 'fetch/get',
            kind: 'tool',
            tool: 'http.request',
            status: 'succeeded',
            attempt: 1,
            error: null,
            input: { value: { url: 'https://example.com' }, truncated: false, bytes: 29 },
            output: { value: { body: 'ok' }, truncated: false, bytes: 13 },
          },
        },
        { type: 'micro_agent.finished', data: { key: 'fetch', status: 'succeeded', error: null } },
        { type: 'run.finished', data: { status: 'succeeded', error: null } },
      ]);
    });

    it('gives a run’s events their ids in commit order, so a reader past one never steps over an earlier one', async () => {
      const runId = await newRun();
      const open = db.createQueryRunner();
      await open.startTransaction();
      await appendRunEvent(open.manager, runId, 'micro_agent.started', { key: 'slow' });

      let overlappingDone = false;
      const overlapping = sut.markStepSucceeded(toolStep(runId), 1, {}, { fast: true }).then(() => (overlappingDone = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(overlappingDone).toBe(false);
      await open.commitTransaction();
      await open.release();
      await overlapping;

      expect((await eventsOf(runId)).map((event) => event.type)).toEqual(['micro_agent.started', 'step.finished']);
    });

    it('previews a large output by the head of its JSON', async () => {
      const runId = await newRun();

      await sut.markStepSucceeded(toolStep(runId), 1, {}, { text: 'x'.repeat(10_000) });

      const [finished] = (await eventsOf(runId)).filter((event) => event.type === 'step.finished');
      expect(finished.data.output).toEqual({ value: `{"text":"${'x'.repeat(2048 - 9)}`, truncated: true, bytes: 10_011 });
    });

    it('closes what was still open when a run is cancelled, and says so', async () => {
      const runId = await newRun();
      await sut.markRunStarted(runId, ['fetch', 'later']);
      await sut.markMicroAgentStarted(runId, 'fetch', `run-${runId}/fetch`, []);

      await sut.markRunFinished(runId, 'cancelled', { type: 'Cancelled', message: 'the run was cancelled' });

      expect((await eventsOf(runId)).slice(2)).toEqual([
        { type: 'micro_agent.finished', data: expect.objectContaining({ key: expect.any(String) }) },
        { type: 'micro_agent.finished', data: expect.objectContaining({ key: expect.any(String) }) },
        { type: 'run.finished', data: { status: 'cancelled', error: { type: 'Cancelled', message: 'the run was cancelled' } } },
      ]);
      expect((await stepRows(runId)).map((row) => [row.step_key, row.status])).toEqual([
        ['fetch', 'cancelled'],
        ['later', 'skipped'],
      ]);
    });

    it('refuses to start a call once the run’s cancel was asked for, and still records calls under way', async () => {
      const runId = await newRun();
      await sut.startStepAttempt(toolStep(runId), 1);
      await new RunsRepository(db).requestCancel(runId);

      expect(await sut.startStepAttempt(toolStep(runId, { stepId: 'next', position: 1 }), 1)).toEqual({ started: false, cancelling: true });
      await sut.markStepCancelled(toolStep(runId), 1);
      expect((await stepRow(runId, 'fetch/get'))?.status).toBe('cancelled');
      expect(await stepRow(runId, 'fetch/next')).toBeUndefined();
    });
  });

  describe('reuseMicroAgent', () => {
    const reusedRows = async (runId: string) =>
      (await db.query(`SELECT step_key, kind, status, output, output_step_key, reused_from FROM run_steps WHERE run_id = $1 ORDER BY kind, step_key`, [
        runId,
      ])) as Array<{ step_key: string; kind: string; status: string; output: JsonValue; output_step_key: string | null; reused_from: JsonValue }>;
    const reusedEvents = (runId: string): Promise<Array<{ data: JsonValue }>> =>
      db.query(`SELECT data FROM run_events WHERE run_id = $1 AND type = 'micro_agent.reused' ORDER BY id`, [runId]);

    /** A finished source run whose micro agent `a` succeeded with two steps. */
    const sourceRun = async (): Promise<string> => {
      const runId = await newRun();
      await sut.markRunStarted(runId, ['a', 'b']);
      await finishedMicroAgent(runId, 'a', { first: { text: 'one' }, last: { text: 'a output' } });
      await sut.markMicroAgentFinished(runId, 'b', 'failed', { type: 'Boom', message: 'boom' });
      return runId;
    };

    it('copies the micro agent and its steps as reused, pointing at the source rows, with one event however often it is retried', async () => {
      const source = await sourceRun();
      const runId = await newRun();
      await sut.markRunStarted(runId, ['a', 'b']);

      expect([await sut.reuseMicroAgent(runId, 'a', source), await sut.reuseMicroAgent(runId, 'a', source)]).toEqual([true, true]);

      expect(await reusedRows(runId)).toEqual([
        { step_key: 'a', kind: 'micro_agent', status: 'reused', output: null, output_step_key: 'a/last', reused_from: { runId: source, stepKey: 'a' } },
        { step_key: 'b', kind: 'micro_agent', status: 'pending', output: null, output_step_key: null, reused_from: null },
        { step_key: 'a/first', kind: 'tool', status: 'reused', output: { text: 'one' }, output_step_key: null, reused_from: { runId: source, stepKey: 'a/first' } },
        { step_key: 'a/last', kind: 'tool', status: 'reused', output: { text: 'a output' }, output_step_key: null, reused_from: { runId: source, stepKey: 'a/last' } },
      ]);
      expect(await reusedEvents(runId)).toEqual([{ data: { key: 'a', from: { runId: source, stepKey: 'a' } } }]);
      expect((await sut.loadTemplateContext(runId, 'b', { agentKeys: ['a'], stepIds: [] })).agents).toEqual({ a: { output: { text: 'a output' } } });
    });

    it('points a reused source row back at where it was first recorded', async () => {
      const source = await sourceRun();
      const middle = await newRun();
      await sut.markRunStarted(middle, ['a']);
      await sut.reuseMicroAgent(middle, 'a', source);
      const runId = await newRun();
      await sut.markRunStarted(runId, ['a']);

      expect(await sut.reuseMicroAgent(runId, 'a', middle)).toBe(true);

      expect((await reusedRows(runId)).map((row) => row.reused_from)).toEqual([
        { runId: source, stepKey: 'a' },
        { runId: source, stepKey: 'a/first' },
        { runId: source, stepKey: 'a/last' },
      ]);
    });

    it('reuses nothing from a micro agent that did not succeed', async () => {
      const source = await sourceRun();
      const runId = await newRun();
      await sut.markRunStarted(runId, ['b']);

      expect(await sut.reuseMicroAgent(runId, 'b', source)).toBe(false);

      expect((await reusedRows(runId)).map((row) => [row.step_key, row.status])).toEqual([['b', 'pending']]);
      expect(await reusedEvents(runId)).toEqual([]);
    });

    it('leaves the tokens of reused model calls out of the run that reused them', async () => {
      const source = await newRun();
      await sut.markRunStarted(source, ['a']);
      await sut.markMicroAgentStarted(source, 'a', `run-${source}/a`, []);
      await sut.markStepSucceeded(toolStep(source, { microAgentKey: 'a', stepId: 'ask', tool: 'llm.generate' }), 1, {}, { text: 'hi' }, { tokens: 40 });
      await sut.markMicroAgentFinished(source, 'a', 'succeeded', null, 'ask');
      const runId = await newRun();
      await sut.markRunStarted(runId, ['a']);

      await sut.reuseMicroAgent(runId, 'a', source);

      expect(await sut.tokensUsed(source)).toBe(40);
      expect(await sut.tokensUsed(runId)).toBe(0);
    });
  });
});
