import { TERMINAL_RUN_STATUSES, type AgentDefinition } from '@flowmate/contracts';
import { chatCompletion, startOpenAiFake, type OpenAiFake } from '../fakes/openai.fake';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { logLinesOf, startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const METRICS_TOKEN = 'worker-scraper-token-1';

/** The worker's own HTTP server as Prometheus and Kubernetes see it, on a real worker process. */
describe('worker metrics and health (e2e)', () => {
  let stack: Stack;
  let model: OpenAiFake;
  let worker: WorkerProcess;
  let ada: Session;

  beforeAll(async () => {
    model = await startOpenAiFake(() => chatCompletion({ content: 'All quiet.', promptTokens: 40, completionTokens: 12 }));
    const modelEnv = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: model.baseUrl, OPENAI_MODEL: 'fake-model' };
    stack = await startStack({ env: { ...modelEnv, METRICS_TOKEN } });
    worker = await startWorkerProcess(stack.config, { ...modelEnv, METRICS_TOKEN });
    ada = await signIn(stack, 'ada@example.com');
  });

  afterAll(async () => {
    worker?.process.kill('SIGTERM');
    await worker?.exited;
    await stack?.stop();
    await model?.close();
  });

  const scrapeWorker = async (): Promise<string> => {
    const response = await fetch(`${worker.telemetryUrl}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return response.text();
  };
  const scrapeApi = async (): Promise<string> => (await stack.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text;
  const runOf = async (runId: string) => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body;

  const gatedAgent: AgentDefinition = {
    name: 'Watcher',
    microAgents: [
      {
        key: 'greet',
        tools: ['text.render'],
        steps: [{ id: 'render', tool: 'text.render', args: { template: 'hello {{input.name}}' } }],
        requiresApproval: { tools: ['text.render'], timeoutSeconds: 3600, onTimeout: 'reject' },
      },
      { key: 'think', dependsOn: ['greet'], tools: ['text.render'], instructions: 'Say whether anything happened' },
    ],
  };

  it('answers liveness and, once it polls with Postgres and Temporal reachable, readiness', async () => {
    expect((await fetch(`${worker.telemetryUrl}/health/live`)).status).toBe(200);
    const ready = await fetch(`${worker.telemetryUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', state: 'RUNNING', checks: { postgres: true, temporal: true } });
  });

  it('counts a run, its tool call, its model tokens and its pending approval where each happens, and logs it with its run id', async () => {
    const agent = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(gatedAgent).expect(201);
    const { runId } = (await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({ input: { name: 'ada' } }).expect(202)).body;

    const waiting = await pollUntil(() => runOf(runId), (run) => run.pendingApprovals.length > 0);
    expect(await scrapeApi()).toMatch(/^flowmate_approvals_pending 1$/m);
    await stack.http.post(`/api/v1/runs/${runId}/approvals/${waiting.pendingApprovals[0].id}`).set('Authorization', ada.bearer).send({ decision: 'approve' }).expect(200);
    const finished = await pollUntil(() => runOf(runId), (run) => TERMINAL_RUN_STATUSES.includes(run.status), 60_000);
    expect(finished.status).toBe('succeeded');
    expect(await scrapeApi()).toMatch(/^flowmate_approvals_pending 0$/m);

    const text = await scrapeWorker();
    expect(text).toMatch(/^flowmate_runs_started_total\{trigger="manual"\} 1$/m);
    expect(text).toMatch(/^flowmate_runs_finished_total\{status="succeeded",trigger="manual"\} 1$/m);
    expect(text).toMatch(/^flowmate_run_duration_seconds_count\{status="succeeded",trigger="manual"\} 1$/m);
    expect(text).toMatch(/^flowmate_tool_calls_total\{tool="text.render",outcome="succeeded",retry="false"\} 1$/m);
    expect(text).toMatch(/^flowmate_llm_tokens_total\{provider="openai",model="fake-model",kind="prompt"\} 40$/m);
    expect(text).toMatch(/^flowmate_llm_tokens_total\{provider="openai",model="fake-model",kind="completion"\} 12$/m);
    expect(text).toContain('process_resident_memory_bytes');
    // The Temporal SDK's own series, from the runtime's Prometheus exporter.
    expect(text).toMatch(/^temporal_workflow_completed_total\{.*task_queue="[^"]+".*\} \d+$/m);
    expect(text).toMatch(/^temporal_activity_execution_latency_count\{.*activity_type="runToolStep".*\} \d+$/m);

    const logged = logLinesOf(worker.output());
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'run finished', status: 'succeeded', flowmateRunId: runId, workflowId: `run-${runId}` }));
    expect(logged).toContainEqual(
      expect.objectContaining({ msg: 'micro agent finished', status: 'succeeded', flowmateRunId: runId, microAgentKey: 'greet', workflowId: `run-${runId}/greet` }),
    );
  });

  it('asks for the metrics token, and only on /metrics', async () => {
    expect((await fetch(`${worker.telemetryUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${worker.telemetryUrl}/metrics`, { headers: { Authorization: 'Bearer wrong-token-of-its-length' } })).status).toBe(401);
    expect((await fetch(`${worker.telemetryUrl}/nothing-here`)).status).toBe(404);
  });
});
