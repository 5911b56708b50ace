import {
  DEFAULT_RUN_TIMEOUT_SECONDS,
  FAILURE_TYPES,
  microAgentWorkflowId,
  planWaves,
  progressQuery,
  type MainAgentInput,
  type MainAgentResult,
  type MainAgentWorkflow,
  type MicroAgentDefinition,
  type RunError,
  type RunStatus,
  type StepStatus,
} from '@flowmate/contracts';
import { ApplicationFailure, CancellationScope, executeChild, isCancellation, setHandler } from '@temporalio/workflow';
import { history } from './activity-stubs';
import { toRunError } from './failures';
import { microAgentWorkflow } from './micro-agent.workflow';

/**
 * The main agent: walks the micro agents' DAG in waves, one child workflow per micro agent,
 * the micro agents of a wave side by side.
 */
export const mainAgentWorkflow: MainAgentWorkflow = async (input: MainAgentInput): Promise<MainAgentResult> => {
  const { runId, definition } = input;
  const statuses: Record<string, StepStatus> = Object.fromEntries(definition.microAgents.map((agent) => [agent.key, 'pending']));
  setHandler(progressQuery, () => ({ microAgents: { ...statuses } }));

  const runMicroAgent = async (microAgent: MicroAgentDefinition): Promise<void> => {
    statuses[microAgent.key] = 'running';
    try {
      await executeChild(microAgentWorkflow, {
        workflowId: microAgentWorkflowId(runId, microAgent.key),
        args: [{ runId, microAgent }],
      });
      statuses[microAgent.key] = 'succeeded';
    } catch (error) {
      statuses[microAgent.key] = isCancellation(error) ? 'cancelled' : 'failed';
      throw error;
    }
  };

  const walkWaves = async (): Promise<void> => {
    for (const wave of planWaves(definition.microAgents)) {
      const settled = await Promise.allSettled(wave.map(runMicroAgent));
      const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    }
  };

  const timeoutMs = (definition.limits?.timeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS) * 1000;
  try {
    await history.markRunStarted({ runId, microAgentKeys: definition.microAgents.map((agent) => agent.key) });
    await CancellationScope.withTimeout(timeoutMs, walkWaves);
  } catch (error) {
    const outcome = failureOutcome(error, timeoutMs);
    await CancellationScope.nonCancellable(() => history.markRunFinished({ runId, ...outcome }));
    if (outcome.status === 'cancelled') throw error;
    throw ApplicationFailure.create({ type: outcome.error.type, message: outcome.error.message, nonRetryable: true });
  }

  await history.markRunFinished({ runId, status: 'succeeded', error: null });
  return { runId, microAgents: statuses };
};

function failureOutcome(error: unknown, timeoutMs: number): { status: RunStatus; error: RunError } {
  if (!isCancellation(error)) return { status: 'failed', error: toRunError(error) };
  // withTimeout cancels its own scope; only an outside cancel reaches the workflow's root scope.
  if (CancellationScope.current().consideredCancelled) return { status: 'cancelled', error: { type: 'Cancelled', message: 'the run was cancelled' } };
  return { status: 'timed_out', error: { type: FAILURE_TYPES.timeout, message: `the run did not finish within ${timeoutMs / 1000} s` } };
}
