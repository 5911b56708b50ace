import { FAILURE_TYPES, type RunError, type RunStatus, type StepStatus } from '@flowmate/contracts';
import type { PlannedStep, RunHistoryRepository } from '@flowmate/db';
import type { WorkerMetrics } from '@flowmate/observability';
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { HeldRunStarter } from './held-runs';
import type { RunNotifier } from './run-notifier';

export interface RunHistoryDependencies {
  history: RunHistoryRepository;
  /** Tells the owner of a run that failed or timed out; never fails the activity. */
  notifier?: Pick<RunNotifier, 'runFailed'>;
  /** Starts the run this one's agent held back under its concurrency policy. */
  heldRuns?: Pick<HeldRunStarter, 'startNext'>;
  metrics: Pick<WorkerMetrics, 'runStarted' | 'runFinished'>;
}

export interface MicroAgentStart {
  runId: string;
  key: string;
  workflowId: string;
  steps: PlannedStep[];
}

export interface MicroAgentFinish {
  runId: string;
  key: string;
  status: StepStatus;
  error: RunError | null;
  /** The step whose output becomes the micro agent's output. */
  lastStepId?: string;
}

export interface MicroAgentReuse {
  runId: string;
  key: string;
  /** The run this one reruns, whose recorded rows for `key` are taken. */
  sourceRunId: string;
}

/** Status transitions of runs and micro agents, written to Postgres as idempotent upserts. */
export const createRunHistoryActivities = ({ history, notifier, heldRuns, metrics }: RunHistoryDependencies) => ({
  async markRunStarted({ runId, microAgentKeys }: { runId: string; microAgentKeys: string[] }): Promise<void> {
    const trigger = await history.markRunStarted(runId, microAgentKeys);
    if (!trigger) return;
    metrics.runStarted(trigger);
    log.info('run started', { trigger, microAgents: microAgentKeys.length });
  },

  async markRunFinished({ runId, status, error }: { runId: string; status: RunStatus; error: RunError | null }): Promise<void> {
    const closed = await history.markRunFinished(runId, status, error);
    if (closed) {
      metrics.runFinished({ status, ...closed });
      log.info('run finished', { status, errorType: error?.type, trigger: closed.trigger, seconds: closed.seconds });
    }
    if (closed && (status === 'failed' || status === 'timed_out')) await notifier?.runFailed(runId, error);
    // Also when a retry finds the run already closed: the release may be what failed the first time.
    await heldRuns?.startNext(runId);
  },

  async markMicroAgentStarted({ runId, key, workflowId, steps }: MicroAgentStart): Promise<void> {
    await history.markMicroAgentStarted(runId, key, workflowId, steps);
  },

  async markMicroAgentFinished({ runId, key, status, error, lastStepId }: MicroAgentFinish): Promise<void> {
    await history.markMicroAgentFinished(runId, key, status, error, lastStepId);
    log.info('micro agent finished', { status, errorType: error?.type });
  },

  async markMicroAgentReused({ runId, key, sourceRunId }: MicroAgentReuse): Promise<void> {
    if (await history.reuseMicroAgent(runId, key, sourceRunId)) return;
    // Retrying cannot make an output appear, and history activities otherwise retry for up to a day.
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.reusedOutputMissing,
      message: `run ${sourceRunId} has no succeeded micro agent "${key}" to reuse`,
      nonRetryable: true,
    });
  },
});

export type RunHistoryActivities = ReturnType<typeof createRunHistoryActivities>;
