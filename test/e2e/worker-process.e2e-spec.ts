import type { AgentDefinition } from '@flowmate/contracts';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

interface StepRow {
  status: string;
  attempts: number;
}

/** The worker as a real process, killed the way a crash or a deploy kills it: a side effect still happens once per step. */
describe('worker processes that die or drain (e2e)', () => {
  let stack: Stack;
  let fixture: HttpFixture;
  let ada: Session;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    fixture = await startHttpFixture({
      'POST /charges': { status: 201, body: { charged: true } },
      'POST /slow-charges': { status: 201, body: { charged: true }, delayMs: 3_000 },
    });
    stack = await startStack({ env: { HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort } });
    ada = await signIn(stack, 'ada@example.com');
  });

  // Each test owns the task queue: no worker of an earlier test may pick up its tasks.
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.process.kill('SIGKILL');
      await worker.exited;
    }
  });

  afterAll(async () => {
    await stack.stop();
    await fixture.close();
  });

  const worker = async (env: Record<string, string> = {}): Promise<WorkerProcess> => {
    const started = await startWorkerProcess(stack.config, env);
    workers.push(started);
    return started;
  };

  const chargeAgent = (path: string): AgentDefinition => ({
    name: 'Charge once',
    microAgents: [
      {
        key: 'pay',
        tools: ['http.request', 'text.render'],
        steps: [
          { id: 'charge', tool: 'http.request', args: { method: 'POST', url: `${fixture.url}${path}`, body: { cents: 500 } } },
          { id: 'receipt', tool: 'text.render', args: { template: 'charged: {{charged}}', data: '{{steps.charge.output.body}}' } },
        ],
      },
    ],
  });

  const startRun = async (definition: AgentDefinition): Promise<string> => {
    const agent = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(201);
    const run = await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({}).expect(202);
    return run.body.runId as string;
  };

  const chargeStep = async (runId: string): Promise<StepRow | undefined> =>
    ((await stack.db.query(`SELECT status, attempts FROM run_steps WHERE run_id = $1 AND step_key = 'pay/charge'`, [runId])) as StepRow[])[0];

  const finishedRun = (runId: string) =>
    pollUntil(
      async () => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer)).body,
      (run) => ['succeeded', 'failed'].includes(run.status),
      60_000,
    );

  const callsTo = (path: string): number => fixture.requests.filter((request) => request.path === path).length;

  it('calls a tool once when its worker is killed after storing the result and before reporting it', async () => {
    const doomed = await worker({ TEST_FAILPOINTS: 'tool-result-stored' });
    const runId = await startRun(chargeAgent('/charges'));
    await pollUntil(() => chargeStep(runId), (step) => step?.status === 'succeeded', 30_000);

    doomed.process.kill('SIGKILL');
    await doomed.exited;
    await worker();
    const run = await finishedRun(runId);

    expect(run.status).toBe('succeeded');
    expect(run.output.pay.text).toBe('charged: true');
    expect(callsTo('/charges')).toBe(1);
    expect(await chargeStep(runId)).toEqual({ status: 'succeeded', attempts: 1 });
  }, 90_000);

  it('lets an in-flight tool call finish when the worker is told to stop (SIGTERM), then exits', async () => {
    const draining = await worker();
    const runId = await startRun(chargeAgent('/slow-charges'));
    await pollUntil(async () => callsTo('/slow-charges'), (calls) => calls === 1, 30_000);

    draining.process.kill('SIGTERM');
    const exit = await draining.exited;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(await chargeStep(runId)).toEqual({ status: 'succeeded', attempts: 1 });
    await worker();
    expect((await finishedRun(runId)).status).toBe('succeeded');
    expect(callsTo('/slow-charges')).toBe(1);
  }, 90_000);

  it('drains under load while a second worker carries on: every run completes and no attempt fails', async () => {
    const draining = await worker();
    const callsBefore = callsTo('/slow-charges');
    const runIds = await Promise.all(Array.from({ length: 4 }, () => startRun(chargeAgent('/slow-charges'))));
    await pollUntil(async () => callsTo('/slow-charges') - callsBefore, (calls) => calls === runIds.length, 30_000);
    await worker();

    draining.process.kill('SIGTERM');
    // A draining worker tells the orchestrator to send it nothing more, while it finishes what it holds.
    const whileDraining = await fetch(`${draining.telemetryUrl}/health/ready`);
    expect(whileDraining.status).toBe(503);
    expect(((await whileDraining.json()) as { state: string }).state).not.toBe('RUNNING');
    expect(await draining.exited).toEqual({ code: 0, signal: null });

    const runs = await Promise.all(runIds.map(finishedRun));
    expect(runs.map((run) => run.status)).toEqual(runIds.map(() => 'succeeded'));
    for (const runId of runIds) expect(await chargeStep(runId)).toEqual({ status: 'succeeded', attempts: 1 });
    expect(callsTo('/slow-charges') - callsBefore).toBe(runIds.length);
  }, 90_000);
});
