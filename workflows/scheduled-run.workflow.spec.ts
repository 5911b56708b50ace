import { runWorkflowId, SEARCH_ATTRIBUTES, type MainAgentInput, type RunStatus, type ScheduledRunOpened } from '@flowmate/contracts';
import { createDataConverter } from '@flowmate/crypto';
import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunHistoryActivities } from '../activities/run-history.activities';
import type { ScheduleActivities, ScheduledFire } from '../activities/schedule.activities';
import type { ToolActivities } from '../activities/tool.activities';
import { factory } from '../test/support/factory';
import { pollUntil } from '../test/support/poll';
import { recordHistory } from '../test/support/recorded-histories';
import { connectTemporal, workflowBundle } from '../test/support/temporal';
import { mainAgentWorkflow } from './main-agent.workflow';
import { scheduledRunWorkflow } from './scheduled-run.workflow';
import { TEST_PAYLOAD_KEYS } from '../test/support/key-settings';

Runtime.install({ logger: new DefaultLogger('ERROR') });

type Activities = ScheduleActivities & RunHistoryActivities & ToolActivities;

describe(scheduledRunWorkflow.name, () => {
  let temporal: Awaited<ReturnType<typeof connectTemporal>>;

  beforeAll(async () => {
    temporal = await connectTemporal();
    await workflowBundle();
  });
  afterAll(() => temporal.close());

  const runInput = (runId: string): MainAgentInput => ({ runId, userId: 'u', agentId: 'g', agentVersion: 3, trigger: 'schedule', definition: factory.agent() });

  /** Typed fakes: the fire opens what `open` says; tool calls take `toolCall`; finished runs are recorded. */
  function activitiesFor(open: (fire: ScheduledFire) => ScheduledRunOpened, toolCall: () => Promise<void> = async () => undefined) {
    const fires: ScheduledFire[] = [];
    const finished: Array<{ runId: string; status: RunStatus }> = [];
    const activities: Activities = {
      async openScheduledRun(fire) {
        fires.push(fire);
        return open(fire);
      },
      async markRunStarted() {},
      async markRunFinished({ runId, status }) {
        finished.push({ runId, status });
      },
      async markMicroAgentStarted() {},
      async markMicroAgentFinished() {},
      async markMicroAgentReused() {},
      async runToolStep(request) {
        await toolCall();
        return { stepKey: `${request.microAgentKey}/${request.stepId}`, outputBytes: 0 };
      },
    };
    return { activities, fires, finished };
  }

  async function withWorker<T>(activities: Activities, work: (taskQueue: string) => Promise<T>): Promise<T> {
    const taskQueue = `test-${randomUUID()}`;
    const worker = await Worker.create({ connection: temporal.workerConnection, taskQueue, dataConverter: createDataConverter(TEST_PAYLOAD_KEYS), workflowBundle: await workflowBundle(), activities });
    return worker.runUntil(work(taskQueue));
  }

  it('opens the fire’s run and runs it as its child, run-<runId>, findable as a scheduled run', async () => {
    const runId = randomUUID();
    const { activities, fires, finished } = activitiesFor(() => ({ outcome: 'start', runId, workflowId: runWorkflowId(runId), input: runInput(runId), memo: { agentName: 'test agent' } }));
    const fireId = `agent-g-${randomUUID()}`;
    const result = await withWorker(activities, async (taskQueue) => {
      const handle = await temporal.client.workflow.start(scheduledRunWorkflow, { taskQueue, workflowId: fireId, args: [{ agentId: 'g' }] });
      try {
        return await handle.result();
      } finally {
        await recordHistory('scheduled-run', await handle.fetchHistory(), TEST_PAYLOAD_KEYS);
      }
    });
    expect(result).toEqual({ outcome: 'start', runId });
    expect(fires).toEqual([{ agentId: 'g', fireId, scheduledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
    expect(finished).toEqual([{ runId, status: 'succeeded' }]);
    const child = await temporal.client.workflow.getHandle(runWorkflowId(runId)).describe();
    expect(child.parentExecution?.workflowId).toBe(fireId);
    expect(child.typedSearchAttributes.get(SEARCH_ATTRIBUTES.trigger)).toBe('schedule');
    expect(child.memo).toEqual({ agentName: 'test agent' });
  });

  it('starts nothing for a held or refused fire, and cancels the runs a held one displaces', async () => {
    const displacedRunId = randomUUID();
    const heldRunId = randomUUID();
    const { activities, finished } = activitiesFor(
      () => ({ outcome: 'held', runId: heldRunId, displacedWorkflowIds: [runWorkflowId(displacedRunId), runWorkflowId(randomUUID())] }),
      () => untilCancelled(),
    );
    await withWorker(activities, async (taskQueue) => {
      const displaced = await temporal.client.workflow.start(mainAgentWorkflow, { taskQueue, workflowId: runWorkflowId(displacedRunId), args: [runInput(displacedRunId)] });
      await pollUntil(async () => (await displaced.fetchHistory()).events?.some((event) => event.activityTaskStartedEventAttributes) ?? false, Boolean, 10_000);
      const fire = await temporal.client.workflow.execute(scheduledRunWorkflow, { taskQueue, workflowId: `agent-g-${randomUUID()}`, args: [{ agentId: 'g' }] });
      expect(fire).toEqual({ outcome: 'held', runId: heldRunId });
      const ended = await displaced.result().catch((error: unknown) => error);
      expect(ended).toBeInstanceOf(WorkflowFailedError);
      expect((ended as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    });
    expect(finished).toEqual([{ runId: displacedRunId, status: 'cancelled' }]);

    const refused = activitiesFor(() => ({ outcome: 'refused', runId: heldRunId }));
    const outcome = await withWorker(refused.activities, (taskQueue) =>
      temporal.client.workflow.execute(scheduledRunWorkflow, { taskQueue, workflowId: `agent-g-${randomUUID()}`, args: [{ agentId: 'g' }] }),
    );
    expect(outcome).toEqual({ outcome: 'refused', runId: heldRunId });
  });
});

/** A tool call that runs until its cancel arrives, heartbeating so that it does. */
async function untilCancelled(): Promise<void> {
  const context = Context.current();
  for (;;) {
    context.heartbeat();
    await Promise.race([context.cancelled, sleep(200)]);
  }
}
