import { TERMINAL_RUN_STATUSES, type AgentDefinition } from '@flowmate/contracts';
import { randomBytes } from 'node:crypto';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { signIn, type Session } from '../support/auth';
import { decodedPayloads } from '../support/history-payloads';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { runHistories } from './support/fuzz-histories';

const MB = 1_000_000;
/** Random, so no codec or transport compression could make a copy of it look small. */
const FIVE_MB_TEXT = randomBytes((5 * MB * 3) / 4).toString('base64');
const FIVE_MB_JSON = { items: Array.from({ length: 5_000 }, (_, index) => ({ index, blob: randomBytes(750).toString('base64') })) };
/** Far below either result: a reference (ids, keys, counts) is small, a copy of the result is not. */
const LARGEST_HISTORY_PAYLOAD = 64 * 1024;

/** A 3 MB request is refused before anything is stored; a 5 MB tool result is stored in Postgres and passed by reference. */
describe('payload size', () => {
  let stack: Stack;
  let fixture: HttpFixture;
  let ada: Session;

  beforeAll(async () => {
    fixture = await startHttpFixture({
      'GET /big-text': { body: FIVE_MB_TEXT },
      'GET /big-json': { body: FIVE_MB_JSON },
    });
    stack = await startStack({ worker: true, env: { HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort } });
    ada = await signIn(stack, 'ada@example.com');
  });
  afterAll(async () => {
    await stack?.stop();
    await fixture?.close();
  });

  const count = async (sql: string, parameters: unknown[] = []): Promise<number> => (await stack.db.query(sql, parameters))[0].count;

  it('refuses a 3 MB agent definition with 413 in the error shape and stores no agent', async () => {
    const definition = factory.agent({ name: 'too big', microAgents: [factory.microAgent({ key: 'only', description: 'd' })] });
    const body = JSON.stringify({ ...definition, description: 'x'.repeat(3 * MB) });
    expect(Buffer.byteLength(body)).toBeGreaterThan(3 * MB);

    const answer = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).set('Content-Type', 'application/json').send(body);

    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: expect.any(String), correlationId: expect.any(String) });
    expect(answer.headers['x-correlation-id']).toBe(answer.body.correlationId);
    expect(await count(`SELECT count(*)::int AS count FROM agents`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS count FROM agent_versions`)).toBe(0);
  });

  it('refuses a run with a 3 MB input with 413 and starts nothing', async () => {
    const agentId = (await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(factory.agent({ name: 'small' })).expect(201)).body.id;

    const answer = await stack.http
      .post(`/api/v1/agents/${agentId}/run`)
      .set('Authorization', ada.bearer)
      .send({ input: { blob: 'y'.repeat(3 * MB) } });

    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ statusCode: 413, correlationId: expect.any(String) });
    expect(await count(`SELECT count(*)::int AS count FROM agent_runs WHERE agent_id = $1`, [agentId])).toBe(0);
    expect((await stack.temporal.workflow.count(`FlowMateAgentId = "${agentId}"`)).count).toBe(0);
  });

  it('stores 5 MB tool results in Postgres, serves them whole, and keeps them out of every workflow history', async () => {
    const definition: AgentDefinition = {
      name: 'Large results',
      microAgents: [
        { key: 'text', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: `${fixture.url}/big-text` } }] },
        { key: 'json', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: `${fixture.url}/big-json` } }] },
        {
          key: 'digest',
          dependsOn: ['text', 'json'],
          tools: ['text.render'],
          // Both results flow into this step's arguments: by reference through the workflows, resolved from Postgres.
          steps: [{ id: 'render', tool: 'text.render', args: { template: '{{#items.length}}many{{/items.length}}', data: { items: '{{agents.json.output.body.items}}', text: '{{agents.text.output.body}}' } } }],
        },
      ],
    };
    const agentId = (await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(201)).body.id;
    const started = await stack.http.post(`/api/v1/agents/${agentId}/run`).set('Authorization', ada.bearer).send({ input: {} }).expect(202);
    const runId: string = started.body.runId;

    const run = await pollUntil(
      async () => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body,
      (answer) => TERMINAL_RUN_STATUSES.includes(answer.status),
      90_000,
    );
    expect({ status: run.status, error: run.error }).toEqual({ status: 'succeeded', error: null });
    expect(run.output.digest).toEqual({ text: 'many' });

    const stored: Array<{ step: string; bytes: number }> = await stack.db.query(
      `SELECT step_key AS step, octet_length(output::text)::int AS bytes FROM run_steps WHERE run_id = $1 AND output IS NOT NULL ORDER BY 1`,
      [runId],
    );
    expect(stored.filter((row) => row.bytes > 5 * MB).map((row) => row.step)).toEqual(['json/get', 'text/get']);

    const text = await stack.http.get(`/api/v1/runs/${runId}/steps/${encodeURIComponent('text/get')}/output`).set('Authorization', ada.bearer).expect(200);
    expect(text.body.output).toMatchObject({ status: 200, body: FIVE_MB_TEXT });
    const json = await stack.http.get(`/api/v1/runs/${runId}/steps/json/output`).set('Authorization', ada.bearer).expect(200);
    expect(json.body.output.body).toEqual(FIVE_MB_JSON);

    const histories = await runHistories(stack.temporal, started.body.workflowId);
    expect(histories.map((history) => history.workflowId).sort()).toEqual([`run-${runId}`, `run-${runId}/digest`, `run-${runId}/json`, `run-${runId}/text`]);
    for (const history of histories) {
      expect({ workflowId: history.workflowId, workflowTaskFailures: history.workflowTaskFailures }).toEqual({ workflowId: history.workflowId, workflowTaskFailures: 0 });
      expect(history.largestPayloadBytes).toBeLessThan(LARGEST_HISTORY_PAYLOAD);
      expect(history.totalBytes).toBeLessThan(MB);
      // Decoded too: no piece of either result, even a small one, is in the history.
      const decoded = JSON.stringify(await decodedPayloads(await stack.temporal.workflow.getHandle(history.workflowId).fetchHistory(), stack.config.payloadKeys));
      expect(decoded).not.toContain(FIVE_MB_TEXT.slice(1_000, 1_064));
      expect(decoded).not.toContain(FIVE_MB_JSON.items[42].blob.slice(0, 64));
    }
  }, 150_000);
});
