import { TERMINAL_RUN_STATUSES, type RunStatus } from '@flowmate/contracts';
import { chatCompletion, startOpenAiFake, type OpenAiFake } from '../fakes/openai.fake';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

/** 1,000 in `npm test` (about 3½ minutes here, beside the rest of the suite); LLM_LOOP_TOOL_CALLS=200 for a quick run. */
const TOOL_CALLS = Number(process.env.LLM_LOOP_TOOL_CALLS ?? 1_000);
/** Temporal's hard limit is 51,200 events and it warns from 10,240: every execution stays under the warning. */
const HISTORY_EVENT_BOUND = 10_240;

/** A model that calls a fast tool many times before it answers: the loop continues as new and finishes. */
describe(`an LLM micro agent making ${TOOL_CALLS} tool calls (e2e)`, () => {
  let stack: Stack;
  let model: OpenAiFake;
  let ada: Session;

  beforeAll(async () => {
    model = await startOpenAiFake((request) => {
      const results = request.messages.filter((message) => message.role === 'tool').length;
      return results < TOOL_CALLS
        ? chatCompletion({ toolCalls: [{ id: `call-${results + 1}`, name: 'text__render', arguments: JSON.stringify({ template: `note ${results + 1}` }) }] })
        : chatCompletion({ content: `made ${results} notes` });
    });
    stack = await startStack({ worker: true, env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: model.baseUrl, OPENAI_MODEL: 'fake-model' } });
    ada = await signIn(stack, 'ada@example.com');
  });

  afterAll(async () => {
    await stack.stop();
    await model.close();
  });

  it('completes, with every execution of the run under the history bound', async () => {
    const started = Date.now();
    const agent = await stack.http
      .post('/api/v1/agents')
      .set('Authorization', ada.bearer)
      .send({
        name: 'Note taker',
        limits: { maxToolCalls: TOOL_CALLS },
        microAgents: [{ key: 'notes', tools: ['text.render'], instructions: 'Write a thousand notes' }],
      })
      .expect(201);
    const { body } = await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({}).expect(202);
    const status = await pollUntil(
      async () => ((await stack.db.query(`SELECT status FROM agent_runs WHERE id = $1`, [body.runId])) as Array<{ status: RunStatus }>)[0].status,
      (current) => TERMINAL_RUN_STATUSES.includes(current),
      420_000,
    );
    const seconds = (Date.now() - started) / 1000;

    expect(status).toBe('succeeded');
    const answer = await stack.http.get(`/api/v1/runs/${body.runId}/steps/notes/output`).set('Authorization', ada.bearer).expect(200);
    expect(answer.body.output).toEqual({ text: `made ${TOOL_CALLS} notes` });

    const lengths: Record<string, number> = {};
    for await (const execution of stack.temporal.workflow.list({ query: `WorkflowId STARTS_WITH "run-${body.runId}"` })) {
      const history = await stack.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      lengths[`${execution.workflowId} ${execution.runId}`] = history.events?.length ?? 0;
    }
    const childRuns = Object.keys(lengths).filter((execution) => execution.startsWith(`run-${body.runId}/notes`));
    expect(childRuns.length).toBeGreaterThan(1);
    expect(Math.max(...Object.values(lengths))).toBeLessThan(HISTORY_EVENT_BOUND);
    process.stderr.write(`${TOOL_CALLS}-call loop: ${seconds.toFixed(1)} s; history events per execution: ${JSON.stringify(Object.values(lengths))}\n`);
  }, 480_000);
});
