import { TERMINAL_RUN_STATUSES, type AgentDefinition } from '@flowmate/contracts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signIn, type Session } from '../support/auth';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { bundleWithEdit, MAIN_AGENT_REORDERED } from '../support/workflow-edits';

/**
 * The gate's other half: workflow code that does not fit a run's history, deployed all the same. The run
 * must not fail for good (Temporal retries the workflow task, as is its default); FlowMate shows it as
 * stuck with Temporal's reason, the worker's metrics count it, and deploying fixed code heals it.
 */
describe('a nondeterministic deploy (drill)', () => {
  let stack: Stack;
  let ada: Session;
  let bundleDir: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    stack = await startStack();
    ada = await signIn(stack, 'ada@example.com');
    bundleDir = await mkdtemp(join(tmpdir(), 'flowmate-broken-bundle-'));
  });

  afterAll(async () => {
    for (const worker of workers) {
      worker.process.kill('SIGKILL');
      await worker.exited;
    }
    await stack?.stop();
    await rm(bundleDir, { recursive: true, force: true });
  });

  const startWorker = async (env: Record<string, string> = {}): Promise<WorkerProcess> => {
    const worker = await startWorkerProcess(stack.config, env);
    workers.push(worker);
    return worker;
  };
  const stop = async (worker: WorkerProcess): Promise<void> => {
    worker.process.kill('SIGKILL');
    await worker.exited;
  };
  const runOf = async (runId: string) => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body;

  const gated: AgentDefinition = {
    name: 'Waits for a person',
    microAgents: [
      {
        key: 'greet',
        tools: ['text.render'],
        steps: [{ id: 'render', tool: 'text.render', args: { template: 'hello' } }],
        requiresApproval: { tools: ['text.render'], timeoutSeconds: 3600, onTimeout: 'reject' },
      },
    ],
  };

  it('shows the run stuck with the reason, counts it, and finishes it once fixed code is deployed', async () => {
    const firstDeploy = await startWorker();
    const agent = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(gated).expect(201);
    const { runId } = (await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({}).expect(202)).body;
    const waiting = await pollUntil(() => runOf(runId), (run) => run.pendingApprovals.length > 0);
    await stop(firstDeploy);

    const brokenBundle = join(bundleDir, 'workflow-bundle.js');
    await writeFile(brokenBundle, (await bundleWithEdit(MAIN_AGENT_REORDERED)).code);
    const brokenDeploy = await startWorker({ WORKFLOW_BUNDLE_PATH: brokenBundle });
    // The child finishes on the broken deploy (its code is unchanged); the parent's next task cannot replay.
    await stack.http.post(`/api/v1/runs/${runId}/approvals/${waiting.pendingApprovals[0].id}`).set('Authorization', ada.bearer).send({ decision: 'approve' }).expect(200);

    const stuck = await pollUntil(() => runOf(runId), (run) => run.stuck !== null, 60_000);
    expect(stuck).toMatchObject({
      status: 'running',
      stuck: { workflowId: `run-${runId}`, failedWorkflowTasks: expect.any(Number), reason: expect.stringMatching(/NON_DETERMINISTIC/) },
    });
    const metrics = await (await fetch(`${brokenDeploy.telemetryUrl}/metrics`)).text();
    expect(metrics).toMatch(/^temporal_workflow_task_execution_failed_total\{[^}]*failure_reason="NonDeterminismError"[^}]*\} [1-9]/m);

    await stop(brokenDeploy);
    await startWorker();
    const healed = await pollUntil(() => runOf(runId), (run) => TERMINAL_RUN_STATUSES.includes(run.status), 120_000);
    expect(healed).toMatchObject({ status: 'succeeded', stuck: null });
  }, 240_000);
});
