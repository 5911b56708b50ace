import { FAILURE_TYPES, type JsonObject, type JsonValue, type RunError } from '@flowmate/contracts';
import { AgentsRepository, RunHistoryRepository, RunsRepository, UsersRepository, type ToolStepRef } from '@flowmate/db';
import { GuardedHttpClient } from '@flowmate/integrations';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { startHttpFixture, type HttpFixture } from '../test/fakes/http-fixture';
import { openMigratedDatabase, type MigratedDatabase } from '../test/support/database';
import { factory } from '../test/support/factory';
import { pollUntil } from '../test/support/poll';
import { createToolActivities, type ToolStepOutcome, type ToolStepRequest } from './tool.activities';
import { createToolExecutors } from './tools';
import { integrationsNotUsed } from '../test/support/integrations';
import { metricValue } from '../test/support/metric-value';
import { WorkerMetrics } from '@flowmate/observability';
import { Registry } from 'prom-client';

interface StepRow {
  step_key: string;
  status: string;
  attempts: number;
  input: JsonValue;
  output: JsonValue;
  error: RunError | null;
}

describe(createToolActivities.name, () => {
  let database: MigratedDatabase;
  let db: DataSource;
  let fixture: HttpFixture;
  let http: GuardedHttpClient;
  let history: RunHistoryRepository;
  let sut: ReturnType<typeof createToolActivities>;
  let newRun: (input?: JsonValue) => Promise<string>;
  let flakyCalls = 0;
  const registry = new Registry();
  const metrics = new WorkerMetrics(registry);
  let flakyOrders = 0;

  beforeAll(async () => {
    database = await openMigratedDatabase(4);
    db = database.db;
    history = new RunHistoryRepository(db);

    const user = await new UsersRepository(db).findOrCreateByEmail('tools@example.com');
    const agent = await new AgentsRepository(db).create(user.id, factory.agent());
    const runs = new RunsRepository(db);
    newRun = async (input = {}) => (await runs.createQueued({ userId: user.id, agentId: agent.id, agentVersion: 1, trigger: 'manual', input })).run.id;

    fixture = await startHttpFixture({
      'GET /users/42': { body: { id: 42, name: 'ada' } },
      'POST /orders': { status: 201, body: { created: true } },
      'POST /orders-flaky': () => (++flakyOrders === 1 ? { status: 503, body: 'try again' } : { status: 201, body: { created: true } }),
      'GET /missing': { status: 404, body: { message: 'Not Found' } },
      'GET /broken': { status: 500, body: 'upstream exploded' },
      'GET /flaky': () => (++flakyCalls === 1 ? { status: 500, body: 'try again' } : { body: { ok: true } }),
      'GET /busy': { status: 429, headers: { 'Retry-After': '7' }, body: 'slow down' },
      'GET /slow': { delayMs: 30_000, body: 'too late' },
      'GET /nul': { body: 'a\u0000b' },
    });
    http = new GuardedHttpClient({ allowedHosts: [fixture.hostPort] });
    sut = createToolActivities({ history, tools: createToolExecutors({ http, models: { defaultChain: [] }, integrations: integrationsNotUsed() }), metrics });
  });

  afterAll(async () => {
    await http?.close();
    await fixture?.close();
    await database?.close();
  });

  const stepRequest = (runId: string, overrides: Partial<ToolStepRequest> = {}): ToolStepRequest => ({
    runId,
    microAgentKey: 'fetch',
    stepId: 'get',
    position: 0,
    tool: 'http.request',
    args: { method: 'GET', url: `${fixture.url}/users/42` },
    ...overrides,
  });

  /** Runs the activity the way a worker does, in a real activity Context, attempt 1 unless told. */
  const runStep = (request: ToolStepRequest, attempt = 1): Promise<ToolStepOutcome> =>
    new MockActivityEnvironment({ attempt }, { logger: new DefaultLogger('ERROR') }).run<[ToolStepRequest], ToolStepOutcome, typeof sut.runToolStep>(
      sut.runToolStep,
      request,
    );

  const failureOf = async (work: Promise<unknown>): Promise<ApplicationFailure> => {
    const error = await work.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApplicationFailure);
    return error as ApplicationFailure;
  };

  const stepRows = (runId: string): Promise<StepRow[]> =>
    db.query(`SELECT step_key, status, attempts, input, output, error FROM run_steps WHERE run_id = $1 AND kind = 'tool' ORDER BY position`, [runId]);

  const requestsTo = (path: string) => fixture.requests.filter((request) => request.path === path);

  /** An earlier micro agent that already finished, recorded the way the workflow records it. */
  const seedMicroAgentOutput = async (runId: string, key: string, output: JsonValue): Promise<void> => {
    const step: ToolStepRef = { runId, microAgentKey: key, stepId: 'only', position: 0, tool: 'text.render' };
    await history.markMicroAgentStarted(runId, key, `run-${runId}/${key}`, [{ id: 'only', position: 0, tool: 'text.render' }]);
    await history.markStepSucceeded(step, 1, { template: '' }, output);
    await history.markMicroAgentFinished(runId, key, 'succeeded', null, 'only');
  };

  describe('runToolStep', () => {
    it('resolves input, agent and step templates from Postgres, calls the tool and records the step', async () => {
      const runId = await newRun({ userId: 42, greeting: 'Hello' });
      await history.markRunStarted(runId, ['people', 'fetch']);
      await seedMicroAgentOutput(runId, 'people', { status: 200, body: { path: 'users' } });
      await history.markStepSucceeded({ runId, microAgentKey: 'fetch', stepId: 'auth', position: 0, tool: 'text.render' }, 1, {}, { text: 'Bearer t0k' });
      const args: JsonObject = {
        method: 'GET',
        url: `${fixture.url}/{{agents.people.output.body.path}}/{{input.userId}}`,
        headers: { Authorization: '{{steps.auth.output.text}}', 'X-Greeting': '{{input.greeting}}' },
      };

      const outcome = await runStep(stepRequest(runId, { stepId: 'get', position: 1, args }));

      const expectedOutput = { status: 200, headers: expect.objectContaining({ 'content-type': 'application/json' }), body: { id: 42, name: 'ada' } };
      expect(outcome).toEqual({ stepKey: 'fetch/get', outputBytes: expect.any(Number) });
      expect(requestsTo('/users/42').at(-1)?.headers).toMatchObject({ authorization: 'Bearer t0k', 'x-greeting': 'Hello' });
      const row = (await stepRows(runId)).find((step) => step.step_key === 'fetch/get');
      expect(row).toEqual({
        step_key: 'fetch/get',
        status: 'succeeded',
        attempts: 1,
        input: { method: 'GET', url: `${fixture.url}/users/42`, headers: { Authorization: '[redacted]', 'X-Greeting': 'Hello' } },
        output: expectedOutput,
        error: null,
      });
      expect(outcome.outputBytes).toBe(Buffer.byteLength(JSON.stringify(row?.output)));
    });

    it('passes a whole-template value through with its JSON type', async () => {
      const runId = await newRun({ order: { items: [1, 2], rush: true } });

      await runStep(stepRequest(runId, { args: { method: 'POST', url: `${fixture.url}/orders`, body: '{{input.order}}' } }));

      expect(JSON.parse(requestsTo('/orders').at(-1)?.body ?? 'null')).toEqual({ items: [1, 2], rush: true });
      expect((await stepRows(runId))[0].input).toMatchObject({ body: { items: [1, 2], rush: true } });
    });

    it('ends a step retried after a 500 as one succeeded row with attempts 2, and counts both attempts', async () => {
      const runId = await newRun();
      const request = stepRequest(runId, { args: { method: 'GET', url: `${fixture.url}/flaky` } });
      const attempts = (outcome: string, retry: string) => metricValue(registry, 'flowmate_tool_calls_total', { tool: 'http.request', outcome, retry });
      const [failedFirstAttempts, succeededRetries] = [await attempts('failed', 'false'), await attempts('succeeded', 'true')];

      const firstFailure = await failureOf(runStep(request, 1));
      expect(firstFailure).toMatchObject({ type: FAILURE_TYPES.httpServerError, nonRetryable: false });
      expect(await stepRows(runId)).toEqual([expect.objectContaining({ status: 'failed', attempts: 1 })]);

      await runStep(request, 2);

      expect(await stepRows(runId)).toEqual([
        {
          step_key: 'fetch/get',
          status: 'succeeded',
          attempts: 2,
          input: { method: 'GET', url: `${fixture.url}/flaky` },
          output: expect.objectContaining({ status: 200, body: { ok: true } }),
          error: null,
        },
      ]);
      expect(requestsTo('/flaky')).toHaveLength(2);
      expect(await attempts('failed', 'false')).toBe(failedFirstAttempts + 1);
      expect(await attempts('succeeded', 'true')).toBe(succeededRetries + 1);
    });

    it('fails a 404 for good with HttpClientError and records the failure', async () => {
      const runId = await newRun();
      const request = stepRequest(runId, { args: { method: 'GET', url: `${fixture.url}/missing` } });

      const failure = await failureOf(runStep(request));

      expect(failure).toMatchObject({ type: FAILURE_TYPES.httpClientError, nonRetryable: true });
      expect(failure.message).toContain('404');
      expect(await stepRows(runId)).toEqual([
        {
          step_key: 'fetch/get',
          status: 'failed',
          attempts: 1,
          input: { method: 'GET', url: `${fixture.url}/missing` },
          output: null,
          error: { type: FAILURE_TYPES.httpClientError, message: failure.message },
        },
      ]);
    });

    it('lets Temporal retry a 500', async () => {
      const runId = await newRun();

      const failure = await failureOf(runStep(stepRequest(runId, { args: { method: 'GET', url: `${fixture.url}/broken` } })));

      expect(failure).toMatchObject({ type: FAILURE_TYPES.httpServerError, nonRetryable: false });
      expect((await stepRows(runId))[0]).toMatchObject({ status: 'failed', error: { type: FAILURE_TYPES.httpServerError } });
    });

    it('waits out Retry-After on a 429', async () => {
      const runId = await newRun();

      const failure = await failureOf(runStep(stepRequest(runId, { args: { method: 'GET', url: `${fixture.url}/busy` } })));

      expect(failure).toMatchObject({ type: FAILURE_TYPES.rateLimited, nonRetryable: false, nextRetryDelay: 7_000 });
    });

    it('fails for good with TemplateError when a template has no value, without calling the tool', async () => {
      const runId = await newRun({ present: 'yes' });
      const before = fixture.requests.length;

      const failure = await failureOf(runStep(stepRequest(runId, { args: { method: 'GET', url: `${fixture.url}/users/{{input.absent}}` } })));

      expect(failure).toMatchObject({ type: FAILURE_TYPES.template, nonRetryable: true });
      expect(failure.message).toContain('{{input.absent}}');
      expect(fixture.requests).toHaveLength(before);
      expect((await stepRows(runId))[0]).toMatchObject({ status: 'failed', error: { type: FAILURE_TYPES.template, message: failure.message } });
    });

    it('treats the output of a micro agent that did not succeed as missing', async () => {
      const runId = await newRun();
      await history.markRunStarted(runId, ['people', 'fetch']);
      await history.markMicroAgentFinished(runId, 'people', 'failed', { type: 'Boom', message: 'boom' });

      const failure = await failureOf(runStep(stepRequest(runId, { args: { method: 'GET', url: '{{agents.people.output.body.url}}' } })));

      expect(failure).toMatchObject({ type: FAILURE_TYPES.template, nonRetryable: true });
    });

    it('fails for good with InvalidToolArguments when the resolved arguments break the tool schema', async () => {
      const runId = await newRun({ method: 'BREW' });
      const before = fixture.requests.length;

      const failure = await failureOf(runStep(stepRequest(runId, { args: { method: '{{input.method}}', url: `${fixture.url}/users/42` } })));

      expect(failure).toMatchObject({ type: FAILURE_TYPES.invalidToolArguments, nonRetryable: true });
      expect(failure.message).toContain('args.method');
      expect(fixture.requests).toHaveLength(before);
      expect((await stepRows(runId))[0]).toMatchObject({ status: 'failed', error: { type: FAILURE_TYPES.invalidToolArguments } });
    });

    it('sends a POST with Idempotency-Key <runId>:<microAgentKey>/<stepId>, the same on every attempt', async () => {
      const runId = await newRun();
      const request = stepRequest(runId, { microAgentKey: 'order', stepId: 'place', args: { method: 'POST', url: `${fixture.url}/orders-flaky`, body: { sku: 'a' } } });

      await expect(runStep(request, 1)).rejects.toThrow();
      await runStep(request, 2);

      const keys = requestsTo('/orders-flaky')
        .slice(-2)
        .map((sent) => sent.headers['idempotency-key']);
      expect(keys).toEqual([`${runId}:order/place`, `${runId}:order/place`]);
    });

    it('returns the stored result of a step that already succeeded instead of calling the tool again', async () => {
      const runId = await newRun();
      const request = stepRequest(runId, { microAgentKey: 'order', stepId: 'once', args: { method: 'POST', url: `${fixture.url}/orders`, body: { sku: 'b' } } });
      const first = await runStep(request, 1);
      const callsAfterFirst = requestsTo('/orders').length;

      // The first attempt's completion never reached Temporal (its worker died), so Temporal retries it.
      const retried = await runStep(request, 2);

      expect(retried).toEqual(first);
      expect(requestsTo('/orders')).toHaveLength(callsAfterFirst);
      expect(await stepRows(runId)).toEqual([expect.objectContaining({ step_key: 'order/once', status: 'succeeded', attempts: 1 })]);
    });

    it('calls nothing in an attempt that a later attempt has superseded', async () => {
      const runId = await newRun();
      const request = stepRequest(runId, { microAgentKey: 'order', stepId: 'late', args: { method: 'POST', url: `${fixture.url}/orders`, body: { sku: 'c' } } });
      const { args: _args, ...step } = request;
      await history.startStepAttempt(step, 3);
      const callsBefore = requestsTo('/orders').length;

      await expect(runStep(request, 2)).rejects.toThrow(/attempt 2 of step order\/late was superseded/);

      expect(requestsTo('/orders')).toHaveLength(callsBefore);
      expect(await stepRows(runId)).toEqual([expect.objectContaining({ status: 'running', attempts: 3 })]);
    });

    it('keeps an Idempotency-Key the user set, whatever its case', async () => {
      const runId = await newRun();

      await runStep(stepRequest(runId, { args: { method: 'POST', url: `${fixture.url}/orders`, headers: { 'idempotency-key': 'mine-1' } } }));

      expect(requestsTo('/orders').at(-1)?.headers['idempotency-key']).toBe('mine-1');
    });

    it('sends no Idempotency-Key on a GET', async () => {
      const runId = await newRun();

      await runStep(stepRequest(runId));

      expect(requestsTo('/users/42').at(-1)?.headers).not.toHaveProperty('idempotency-key');
    });

    it('records a response holding U+0000, which Postgres refuses, with U+FFFD in its place', async () => {
      const runId = await newRun();

      await runStep(stepRequest(runId, { args: { method: 'GET', url: `${fixture.url}/nul` } }));

      expect((await stepRows(runId))[0]).toMatchObject({ status: 'succeeded', output: { body: 'a\uFFFDb' } });
    });

    it('keeps credentials out of the recorded input while the call carries them', async () => {
      const runId = await newRun();

      await runStep(stepRequest(runId, { args: { method: 'POST', url: `${fixture.url}/orders`, headers: { Authorization: 'Bearer sk-live-123' } } }));

      expect(requestsTo('/orders').at(-1)?.headers.authorization).toBe('Bearer sk-live-123');
      const [row] = await stepRows(runId);
      expect(row.input).toMatchObject({ headers: { Authorization: '[redacted]' } });
      expect(JSON.stringify(row)).not.toContain('sk-live-123');
    });

    it('waits out an unreachable Postgres to store a result, beyond the tries other errors get, and calls once', async () => {
      const runId = await newRun();
      const before = requestsTo('/orders').length;
      let saves = 0;
      const outageHistory = Object.assign(Object.create(history) as RunHistoryRepository, {
        markStepSucceeded: async (...args: Parameters<RunHistoryRepository['markStepSucceeded']>) => {
          saves += 1;
          if (saves <= 5) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
          return history.markStepSucceeded(...args);
        },
      });
      const outageSut = createToolActivities({
        history: outageHistory,
        tools: createToolExecutors({ http, models: { defaultChain: [] }, integrations: integrationsNotUsed() }),
        metrics,
      });

      await new MockActivityEnvironment({ attempt: 1, startToCloseTimeoutMs: 120_000 }, { logger: new DefaultLogger('ERROR') }).run(
        outageSut.runToolStep,
        stepRequest(runId, { args: { method: 'POST', url: `${fixture.url}/orders` } }),
      );

      expect(saves).toBe(6);
      expect(requestsTo('/orders').length).toBe(before + 1);
      expect(await stepRows(runId)).toEqual([expect.objectContaining({ status: 'succeeded', attempts: 1 })]);
    }, 30_000);

    it('never calls a tool twice because its result could not be stored', async () => {
      const runId = await newRun();
      const before = requestsTo('/orders').length;
      let saves = 0;
      const failingHistory = Object.assign(Object.create(history) as RunHistoryRepository, {
        markStepSucceeded: async () => {
          saves += 1;
          throw new Error('connection terminated');
        },
      });
      const failingSut = createToolActivities({
        history: failingHistory,
        tools: createToolExecutors({ http, models: { defaultChain: [] }, integrations: integrationsNotUsed() }),
        metrics,
      });

      const failure = await failureOf(
        new MockActivityEnvironment({ attempt: 1 }, { logger: new DefaultLogger('ERROR') }).run(
          failingSut.runToolStep,
          stepRequest(runId, { args: { method: 'POST', url: `${fixture.url}/orders` } }),
        ),
      );

      expect(failure).toMatchObject({ type: FAILURE_TYPES.resultNotStored, nonRetryable: true });
      expect(failure.message).toContain('connection terminated');
      expect(saves).toBeGreaterThan(1);
      expect(requestsTo('/orders').length).toBe(before + 1);
    });

    it('fails for good with InvalidToolArguments when the resolved template is not valid Mustache', async () => {
      const runId = await newRun({ greeting: '{{#unclosed}}' });

      const failure = await failureOf(runStep(stepRequest(runId, { tool: 'text.render', args: { template: '{{input.greeting}}' } })));

      expect(failure).toMatchObject({ type: FAILURE_TYPES.invalidToolArguments, nonRetryable: true });
      expect(failure.message).toContain('Unclosed section "unclosed"');
    });

    it('renders a value inside a text.render template as text, never as Mustache', async () => {
      const runId = await newRun({ title: '{{#people}}{{name}}{{/people}} {{secret}}', number: 8 });

      await runStep(stepRequest(runId, { tool: 'text.render', args: { template: 'PR #{{input.number}}: {{input.title}}', data: { secret: 'hidden' } } }));

      expect((await stepRows(runId))[0].output).toEqual({ text: 'PR #8: {{#people}}{{name}}{{/people}} {{secret}}' });
    });

    it('renders text.render Mustache sections from resolved data without HTML escaping', async () => {
      const runId = await newRun({ title: '<b>Team</b>', people: [{ name: 'Ada & Grace' }, { name: '<i>Linus</i>' }] });
      const args: JsonObject = {
        template: '{{input.title}}: {{#people}}[{{name}}]{{/people}}',
        data: { people: '{{input.people}}' },
      };

      await runStep(stepRequest(runId, { microAgentKey: 'digest', stepId: 'render', tool: 'text.render', args }));

      expect((await stepRows(runId))[0]).toMatchObject({
        status: 'succeeded',
        input: {
          template: '{{{flowmateValues.0}}}: {{#people}}[{{name}}]{{/people}}',
          data: { people: [{ name: 'Ada & Grace' }, { name: '<i>Linus</i>' }], flowmateValues: ['<b>Team</b>'] },
        },
        output: { text: '<b>Team</b>: [Ada & Grace][<i>Linus</i>]' },
      });
    });

    it('aborts the HTTP call when the activity is cancelled and reports the cancellation', async () => {
      const runId = await newRun();
      const env = new MockActivityEnvironment({ attempt: 1 }, { logger: new DefaultLogger('ERROR') });
      const before = requestsTo('/slow').length;
      const started = Date.now();

      const running = env.run(sut.runToolStep, stepRequest(runId, { args: { method: 'GET', url: `${fixture.url}/slow` } }));
      const outcome = running.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      await pollUntil(async () => requestsTo('/slow').length, (count) => count > before, 5_000);
      env.cancel();
      const error = await outcome;

      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error).toBeInstanceOf(CancelledFailure);
    });

    it('records a cancelled step as cancelled, not failed', async () => {
      const runId = await newRun();
      const env = new MockActivityEnvironment({ attempt: 1 }, { logger: new DefaultLogger('ERROR') });
      const before = requestsTo('/slow').length;

      const outcome = env.run(sut.runToolStep, stepRequest(runId, { args: { method: 'GET', url: `${fixture.url}/slow` } })).catch(() => undefined);
      await pollUntil(async () => requestsTo('/slow').length, (count) => count > before, 5_000);
      env.cancel();
      await outcome;

      expect((await stepRows(runId))[0]).toMatchObject({ status: 'cancelled' });
    });
  });
});
