import {
  microAgentWorkflowId,
  progressQuery,
  runWorkflowId,
  type AgentDefinition,
  type MainAgentInput,
  type MicroAgentDefinition,
  type RunError,
  type RunProgress,
  type RunStatus,
} from '@flowmate/contracts';
import { createDataConverter } from '@flowmate/crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Runtime, Worker, DefaultLogger } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunHistoryActivities } from '../activities/run-history.activities';
import type { ToolActivities, ToolStepRequest } from '../activities/tool.activities';
import { pollUntil } from '../test/support/poll';
import { recordHistory } from '../test/support/recorded-histories';
import { connectTemporal, workflowBundle } from '../test/support/temporal';
import { mainAgentWorkflow } from './main-agent.workflow';
import { TEST_PAYLOAD_KEYS } from '../test/support/key-settings';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const microAgent = (key: string, dependsOn: string[] = []): MicroAgentDefinition => ({
  key,
  dependsOn,
  tools: ['text.render'],
  steps: [{ id: 'render', tool: 'text.render', args: { template: key } }],
});

const definition = (overrides: Partial<AgentDefinition> = {}): AgentDefinition => ({
  name: 'test agent',
  microAgents: [microAgent('a'), microAgent('b'), microAgent('c', ['a', 'b'])],
  ...overrides,
});

interface Recorder {
  toolCalls: Array<{ key: string; startedAt: number; endedAt: number }>;
  startedMicroAgents: string[];
  reused: Array<{ key: string; sourceRunId: string }>;
  finished: Array<{ status: RunStatus; error: RunError | null }>;
}

/** Typed fakes with the factories' types: the workflow cannot tell them from the real activities. */
function fakeActivities(runTool: (request: ToolStepRequest) => Promise<void>): { activities: RunHistoryActivities & ToolActivities; recorder: Recorder } {
  const recorder: Recorder = { toolCalls: [], startedMicroAgents: [], reused: [], finished: [] };
  const activities: RunHistoryActivities & ToolActivities = {
    async markRunStarted() {},
    async markRunFinished({ status, error }) {
      recorder.finished.push({ status, error });
    },
    async markMicroAgentStarted({ key }) {
      recorder.startedMicroAgents.push(key);
    },
    async markMicroAgentFinished() {},
    async markMicroAgentReused({ key, sourceRunId }) {
      recorder.reused.push({ key, sourceRunId });
    },
    async runToolStep(request) {
      const startedAt = Date.now();
      await runTool(request);
      recorder.toolCalls.push({ key: request.microAgentKey, startedAt, endedAt: Date.now() });
      return { stepKey: `${request.microAgentKey}/${request.stepId}`, outputBytes: 0 };
    },
  };
  return { activities, recorder };
}

describe(mainAgentWorkflow.name, () => {
  let temporal: Awaited<ReturnType<typeof connectTemporal>>;

  beforeAll(async () => {
    temporal = await connectTemporal();
    await workflowBundle();
  });
  afterAll(() => temporal.close());

  /**
   * `RECORD_HISTORIES=1 npx jest workflows/main-agent` rewrites the histories named by `recordAs` in
   * test/histories/, which the replay test then holds every later version of the workflow to.
   */
  async function run(
    agent: AgentDefinition,
    activities: RunHistoryActivities & ToolActivities,
    whileRunning: (handle: WorkflowHandle<typeof mainAgentWorkflow>) => Promise<void> = async () => undefined,
    recordAs?: string,
    reuse?: MainAgentInput['reuse'],
  ) {
    const taskQueue = `test-${randomUUID()}`;
    const worker = await Worker.create({
      connection: temporal.workerConnection,
      taskQueue,
      dataConverter: createDataConverter(TEST_PAYLOAD_KEYS),
      workflowBundle: await workflowBundle(),
      activities,
    });
    const runId = randomUUID();
    return worker.runUntil(async () => {
      const handle = await temporal.client.workflow.start(mainAgentWorkflow, {
        taskQueue,
        workflowId: runWorkflowId(runId),
        args: [{ runId, userId: 'u', agentId: 'g', agentVersion: 1, trigger: 'manual', definition: agent, reuse }],
      });
      await whileRunning(handle);
      try {
        return await handle.result();
      } finally {
        if (recordAs) await recordHistory(recordAs, await handle.fetchHistory(), TEST_PAYLOAD_KEYS);
      }
    });
  }

  const runIdOf = (handle: WorkflowHandle): string => handle.workflowId.slice(runWorkflowId('').length);

  it('runs independent micro agents side by side and their dependant after both', async () => {
    const { activities, recorder } = fakeActivities(() => sleep(500));

    const result = await run(definition(), activities, undefined, 'main-agent-succeeded');

    const call = (key: string) => recorder.toolCalls.find((c) => c.key === key)!;
    expect(call('a').startedAt).toBeLessThan(call('b').endedAt);
    expect(call('b').startedAt).toBeLessThan(call('a').endedAt);
    expect(call('c').startedAt).toBeGreaterThanOrEqual(Math.max(call('a').endedAt, call('b').endedAt));
    expect(result.microAgents).toEqual({ a: 'succeeded', b: 'succeeded', c: 'succeeded' });
    expect(recorder.finished).toEqual([{ status: 'succeeded', error: null }]);
  });

  it('fails the run with the failing micro agent\'s error and starts nothing after it', async () => {
    const { activities, recorder } = fakeActivities(async ({ microAgentKey }) => {
      if (microAgentKey === 'b') {
        throw ApplicationFailure.create({ type: 'HttpClientError', message: 'GET http://x/ answered 404 Not Found', nonRetryable: true });
      }
    });

    const outcome = run(definition(), activities, undefined, 'main-agent-failed');

    await expect(outcome).rejects.toBeInstanceOf(WorkflowFailedError);
    await expect(outcome).rejects.toMatchObject({ cause: { message: expect.stringContaining('answered 404') } });
    expect(recorder.finished).toEqual([
      {
        status: 'failed',
        error: { type: 'HttpClientError', message: 'micro agent "b": step "render" (text.render) failed: GET http://x/ answered 404 Not Found' },
      },
    ]);
    expect(recorder.startedMicroAgents.sort()).toEqual(['a', 'b']);
  });

  it('closes the run as failed when even marking it started fails', async () => {
    const { activities, recorder } = fakeActivities(async () => undefined);
    activities.markRunStarted = async () => {
      throw ApplicationFailure.create({ type: 'QueryFailedError', message: 'database is gone', nonRetryable: true });
    };

    await expect(run(definition(), activities)).rejects.toBeInstanceOf(WorkflowFailedError);

    expect(recorder.finished).toEqual([{ status: 'failed', error: { type: 'QueryFailedError', message: 'database is gone' } }]);
    expect(recorder.startedMicroAgents).toEqual([]);
  });

  it('takes a rerun\'s reused micro agents from the source run instead of starting them', async () => {
    const { activities, recorder } = fakeActivities(async () => undefined);

    const result = await run(definition(), activities, undefined, undefined, { sourceRunId: 'source-run', microAgentKeys: ['a'] });

    expect(recorder.reused).toEqual([{ key: 'a', sourceRunId: 'source-run' }]);
    expect(recorder.startedMicroAgents.sort()).toEqual(['b', 'c']);
    expect(recorder.toolCalls.map((call) => call.key).sort()).toEqual(['b', 'c']);
    expect(result.microAgents).toEqual({ a: 'reused', b: 'succeeded', c: 'succeeded' });
    expect(recorder.finished).toEqual([{ status: 'succeeded', error: null }]);
  });

  it('fails a rerun whose reused output is missing, and starts nothing after it', async () => {
    const { activities, recorder } = fakeActivities(async () => undefined);
    activities.markMicroAgentReused = async () => {
      throw ApplicationFailure.create({ type: 'ReusedOutputMissing', message: 'run source-run has no succeeded micro agent "a" to reuse', nonRetryable: true });
    };

    await expect(run(definition(), activities, undefined, undefined, { sourceRunId: 'source-run', microAgentKeys: ['a'] })).rejects.toBeInstanceOf(
      WorkflowFailedError,
    );

    expect(recorder.finished).toEqual([{ status: 'failed', error: { type: 'ReusedOutputMissing', message: 'run source-run has no succeeded micro agent "a" to reuse' } }]);
    expect(recorder.startedMicroAgents).not.toContain('c');
  });

  it('answers the progress query while micro agents run', async () => {
    let releaseTools: () => void = () => undefined;
    const toolsReleased = new Promise<void>((resolve) => (releaseTools = resolve));
    const { activities, recorder } = fakeActivities(() => toolsReleased);
    let progress: RunProgress | undefined;

    await run(definition(), activities, async (handle) => {
      await pollUntil(async () => recorder.startedMicroAgents.length, (count) => count === 2);
      progress = await handle.query(progressQuery);
      releaseTools();
    });

    expect(progress).toEqual({ microAgents: { a: 'running', b: 'running', c: 'pending' } });
  });

  it('times the run out at limits.timeoutSeconds', async () => {
    const { activities, recorder } = fakeActivities(() => sleep(4_000));

    await expect(run(definition({ limits: { timeoutSeconds: 1 } }), activities, undefined, 'main-agent-timed-out')).rejects.toBeInstanceOf(WorkflowFailedError);

    expect(recorder.finished).toEqual([{ status: 'timed_out', error: { type: 'Timeout', message: 'the run did not finish within 1 s' } }]);
  });

  it('records an outside cancel of the run as cancelled, not as a timeout', async () => {
    const { activities, recorder } = fakeActivities(() => sleep(4_000));
    const cancelOnceStarted = async (handle: WorkflowHandle): Promise<void> => {
      await pollUntil(async () => recorder.startedMicroAgents.length, (started) => started > 0, 10_000);
      await handle.cancel();
    };

    const outcome = await run(definition(), activities, cancelOnceStarted, 'main-agent-cancelled').catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect(recorder.finished).toEqual([{ status: 'cancelled', error: { type: 'Cancelled', message: 'the run was cancelled' } }]);
  });

  it('records a micro agent cancelled on its own as a cancelled run naming it', async () => {
    const { activities, recorder } = fakeActivities(() => sleep(4_000));
    const cancelChild = async (handle: WorkflowHandle): Promise<void> => {
      await pollUntil(async () => recorder.startedMicroAgents, (started) => started.includes('a'), 10_000);
      await temporal.client.workflow.getHandle(microAgentWorkflowId(runIdOf(handle), 'a')).cancel();
    };

    await expect(run(definition(), activities, cancelChild, 'main-agent-child-cancelled')).rejects.toBeInstanceOf(WorkflowFailedError);

    expect(recorder.finished).toEqual([{ status: 'cancelled', error: { type: 'Cancelled', message: 'micro agent "a" was cancelled' } }]);
  });
});
