import { DEFINITION_LIMITS, TERMINAL_RUN_STATUSES } from '@flowmate/contracts';
import fc from 'fast-check';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { startOwnTemporal, type OutageServer } from './support/outage-servers';
import { drillSize } from './drill-scale';
import { faultyDefinition, hostileBody, hostileRecipe, validDefinition, type DefinitionDraft, type Fault } from './support/fuzz-definitions';
import { runHistories } from './support/fuzz-histories';
import { prototypeKeyObject } from './support/fuzz-values';

/** Temporal's defaults per workflow execution (limit.numPendingChildExecutions, limit.numPendingActivities). */
const TEMPORAL_PENDING_CHILDREN = 2_000;
const TEMPORAL_PENDING_ACTIVITIES = 2_000;
const BODY_LIMIT_BYTES = 1024 * 1024;
const REQUEST_TIMEOUT_MS = 10_000;

interface Problem {
  path: string;
  message: string;
}

const nameAll = (problems: Problem[]): string => problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n');

/**
 * Generated agent definitions: valid ones are stored (201); broken ones are refused with 400 listing every
 * problem put into them; hostile ones (deep nesting, huge and odd strings, prototype keys) are refused or
 * stored, never a 5xx or a hang. And the limits keep a run's fan-out far below Temporal's.
 */
describe('fuzzing agent definitions', () => {
  let stack: Stack;
  let ada: Session;
  let temporal: OutageServer;

  beforeAll(async () => {
    // A Temporal of its own: the widest definition's thousand steps must not slow the suite's shared server.
    temporal = await startOwnTemporal();
    stack = await startStack({ worker: true, env: { TEMPORAL_ADDRESS: temporal.address } });
    ada = await signIn(stack, 'ada@example.com');
  });
  afterAll(async () => {
    await stack?.stop();
    await temporal?.destroy();
  });

  const post = async (body: string): Promise<{ status: number; body: Record<string, unknown> & { details?: Problem[] } }> => {
    const response = await fetch(`${stack.baseUrl}/api/v1/agents`, {
      method: 'POST',
      headers: { authorization: ada.bearer, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    expect(response.status).toBeLessThan(500);
    return { status: response.status, body: JSON.parse(text) };
  };

  const expectErrorShape = (status: number, body: Record<string, unknown>): void =>
    expect(body).toEqual({ statusCode: status, error: expect.any(String), message: expect.any(String), correlationId: expect.any(String), ...(body.details ? { details: expect.any(Array) } : {}) });

  it('stores every generated valid definition', async () => {
    await fc.assert(
      fc.asyncProperty(validDefinition(), async (definition) => {
        const answer = await post(JSON.stringify(definition));
        if (answer.status !== 201) throw new Error(`refused with ${answer.status}: ${JSON.stringify(answer.body).slice(0, 1_000)}`);
        expect(answer.body.microAgents).toHaveLength(definition.microAgents.length);
      }),
      { numRuns: drillSize(40, 400) },
    );
  });

  it('refuses every broken definition with 400 that lists each problem put into it', async () => {
    await fc.assert(
      fc.asyncProperty(faultyDefinition(), async ({ definition, faults }) => {
        const answer = await post(JSON.stringify(definition));
        expect(answer.status).toBe(400);
        expectErrorShape(400, answer.body);
        const problems = answer.body.details ?? [];
        // A broken shape hides the graph rules (the graph cannot be read), so only shape faults must show then.
        const shapeFaults = faults.filter((fault) => fault.kind === 'shape');
        const expected: Fault[] = shapeFaults.length > 0 ? shapeFaults : faults;
        const missing = expected.filter((fault) => !problems.some((problem) => problem.path.startsWith(fault.path) && (!fault.says || problem.message.includes(fault.says))));
        if (missing.length > 0) throw new Error(`not reported: ${JSON.stringify(missing)}\nreported:\n${nameAll(problems)}`);
      }),
      { numRuns: drillSize(60, 600) },
    );
  });

  it('answers hostile definitions (deep nesting, huge and odd strings) with 201, 400 or 413, in the error shape, in time', async () => {
    await fc.assert(
      fc.asyncProperty(hostileRecipe(), async (recipe) => {
        const body = hostileBody(recipe);
        const answer = await post(body);
        if (Buffer.byteLength(body) > BODY_LIMIT_BYTES) expect(answer.status).toBe(413);
        else expect([201, 400]).toContain(answer.status);
        if (answer.status !== 201) expectErrorShape(answer.status, answer.body);
      }),
      { numRuns: drillSize(30, 300) },
    );
  });

  it('refuses a "__proto__" or "constructor" key anywhere in a definition with 400 naming it, and pollutes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(validDefinition(4), prototypeKeyObject(), fc.constantFrom('root', 'microAgent', 'args', 'data'), async (definition, poisoned, where) => {
        const agent = definition.microAgents[0] as DefinitionDraft['microAgents'][number];
        const step = agent.steps?.[0] as { args: Record<string, unknown> };
        if (where === 'root') definition.extra = poisoned;
        else if (where === 'microAgent') agent.extra = poisoned;
        else if (where === 'args') step.args = { ...step.args, extra: poisoned };
        else step.args.data = poisoned;
        const answer = await post(JSON.stringify(definition));
        const key = Object.keys(poisoned)[0];
        if (key === 'prototype') {
          // Not a prototype-reaching key: data like any other (stored under `data`, an unknown field elsewhere).
          expect([201, 400]).toContain(answer.status);
        } else {
          expect(answer.status).toBe(400);
          expect(answer.body.message).toContain(`"${key}"`);
        }
        if (answer.status !== 201) expectErrorShape(answer.status, answer.body);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: drillSize(30, 300) },
    );
  });

  it('refuses an unpaired surrogate anywhere in a definition with 400 (Postgres jsonb cannot hold it), not 500', async () => {
    await fc.assert(
      fc.asyncProperty(validDefinition(4), fc.constantFrom('\uD800', '\uDFFF', 'a\uDBFFb', '\uDC00\uD800'), fc.constantFrom('name', 'description', 'args'), async (definition, lone, where) => {
        const before = await stack.db.query(`SELECT count(*)::int AS count FROM agents`);
        if (where === 'name') definition.name = `agent ${lone}`;
        else if (where === 'description') definition.description = lone;
        else (definition.microAgents[0].steps?.[0] as { args: Record<string, unknown> }).args.note = lone;
        const answer = await post(JSON.stringify(definition));
        expect(answer.status).toBe(400);
        expectErrorShape(400, answer.body);
        expect(answer.body.message).toContain('surrogate');
        expect(await stack.db.query(`SELECT count(*)::int AS count FROM agents`)).toEqual(before);
      }),
      { numRuns: drillSize(10, 100) },
    );
  });

  describe('fan-out', () => {
    const maxMicroAgents = DEFINITION_LIMITS.microAgents;
    const maxSteps = DEFINITION_LIMITS.stepsPerMicroAgent;

    it('keeps the most a valid definition can ask for well below Temporal\'s pending children and activities', () => {
      // A run starts one child per micro agent, all of a wave at once; each child runs its steps one by one.
      expect(maxMicroAgents).toBeLessThanOrEqual(TEMPORAL_PENDING_CHILDREN / 10);
      expect(maxMicroAgents * maxSteps).toBeLessThanOrEqual(TEMPORAL_PENDING_ACTIVITIES / 2);
      expect(DEFINITION_LIMITS.maxToolCalls).toBeLessThanOrEqual(TEMPORAL_PENDING_ACTIVITIES / 2);
    });

    const widest = (microAgents: number, steps: number): DefinitionDraft => ({
      name: 'widest',
      microAgents: Array.from({ length: microAgents }, (_, index) => ({
        key: `wide-${index}`,
        tools: ['text.render'],
        steps: Array.from({ length: steps }, (__, step) => ({ id: `s${step}`, tool: 'text.render', args: { template: `${index}/${step}` } })),
      })),
    });

    it.each([
      ['one micro agent too many', widest(maxMicroAgents + 1, 1), 'microAgents'],
      ['one step too many', widest(1, maxSteps + 1), 'microAgents[0].steps'],
      ['1,000 micro agents', widest(1_000, 1), 'microAgents'],
    ])('refuses a definition with %s with 400 naming it', async (_, definition, path) => {
      const answer = await post(JSON.stringify(definition));
      expect(answer.status).toBe(400);
      expect(answer.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      const [{ count }] = await stack.db.query(`SELECT count(*)::int AS count FROM agents WHERE name = 'widest'`);
      expect(count).toBe(0);
    });

    it('runs the widest valid definition with every micro agent side by side and no workflow task failing', async () => {
      const created = await post(JSON.stringify(widest(maxMicroAgents, maxSteps)));
      expect(created.status).toBe(201);
      const started = await stack.http.post(`/api/v1/agents/${created.body.id}/run`).set('Authorization', ada.bearer).send({ input: {} }).expect(202);
      const run = await pollUntil(
        async () => (await stack.http.get(`/api/v1/runs/${started.body.runId}`).set('Authorization', ada.bearer).expect(200)).body,
        (answer) => TERMINAL_RUN_STATUSES.includes(answer.status),
        150_000,
      );
      expect(run.status).toBe('succeeded');

      const histories = await runHistories(stack.temporal, started.body.workflowId);
      const [parent, ...children] = histories;
      expect(children).toHaveLength(maxMicroAgents);
      expect(parent.maxPendingChildren).toBeLessThanOrEqual(maxMicroAgents);
      for (const history of histories) {
        expect({ workflowId: history.workflowId, failures: history.workflowTaskFailures }).toEqual({ workflowId: history.workflowId, failures: 0 });
        expect(history.maxPendingActivities).toBeLessThanOrEqual(maxSteps);
      }
      // A step's key is `<micro agent>/<step>`; the micro agents' own rows have no slash.
      const [{ steps }] = await stack.db.query(`SELECT count(*)::int AS steps FROM run_steps WHERE run_id = $1 AND status = 'succeeded' AND step_key LIKE '%/%'`, [started.body.runId]);
      expect(steps).toBe(maxMicroAgents * maxSteps);
    }, 180_000);
  });
});
