import {
  DEFAULT_RUN_TIMEOUT_SECONDS,
  FAILURE_TYPES,
  isLlmMicroAgent,
  microAgentWorkflowId,
  planWaves,
  progressQuery,
  RUN_SUMMARY,
  summaryPromptOf,
  type MainAgentInput,
  type MainAgentResult,
  type MainAgentWorkflow,
  type MicroAgentDefinition,
  type RunError,
  type RunStatus,
  type StepStatus,
} from '@flowmate/contracts';
import { ApplicationFailure, CancellationScope, executeChild, isCancellation, patched, setHandler } from '@temporalio/workflow';
import { history, llm } from './activity-stubs';
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
        args: [{ runId, microAgent, agent: { instructions: definition.instructions, model: definition.model, limits: definition.limits } }],
        // The Web UI's timeline names the micro agent and its mode instead of repeating "microAgentWorkflow".
        staticSummary: `${microAgent.key} · ${isLlmMicroAgent(microAgent) ? 'llm' : 'steps'}`,
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
  // Its own scope, so a timeout (this scope cancelled) tells itself apart from an outside cancel (the root's).
  const walkScope = new CancellationScope({ cancellable: true, timeout: timeoutMs });
  try {
    await history.markRunStarted({ runId, microAgentKeys: definition.microAgents.map((agent) => agent.key) });
    await walkScope.run(walkWaves);
  } catch (error) {
    const outcome = failureOutcome(error, { timedOut: walkScope.consideredCancelled, timeoutMs, statuses });
    await CancellationScope.nonCancellable(() => history.markRunFinished({ runId, ...outcome }));
    if (CancellationScope.current().consideredCancelled) throw error;
    throw ApplicationFailure.create({ type: outcome.error.type, message: outcome.error.message, nonRetryable: true });
  }

  if (definition.instructions && patched('run-summary')) {
    try {
      await summarise(input);
    } catch (error) {
      const outcome = failureOutcome(error, { timedOut: false, timeoutMs, statuses });
      await CancellationScope.nonCancellable(() => history.markRunFinished({ runId, ...outcome }));
      throw ApplicationFailure.create({ type: outcome.error.type, message: `the run's summary: ${outcome.error.message}`, nonRetryable: true });
    }
  }
  await CancellationScope.nonCancellable(() => history.markRunFinished({ runId, status: 'succeeded', error: null }));
  return { runId, microAgents: statuses };
};

/** The main agent's summary of what its micro agents produced, when a model is configured. */
async function summarise({ runId, definition }: MainAgentInput): Promise<void> {
  await llm.callModel.executeWithOptions({ summary: 'summary · main agent' }, [
    {
      runId,
      microAgentKey: RUN_SUMMARY.microAgentKey,
      stepId: RUN_SUMMARY.stepId,
      position: 0,
      model: definition.model,
      tools: [],
      maxTokens: definition.limits?.maxTokens,
      prompt: { system: summaryPromptOf(definition), dependsOn: definition.microAgents.map((agent) => agent.key) },
      nextToolCall: { number: 1, position: 1 },
      optional: true,
    },
  ]);
}

/** What ended the run, said explicitly: an outside cancel, the run's timeout, a micro agent cancelled on its own, or a failure. */
function failureOutcome(
  error: unknown,
  { timedOut, timeoutMs, statuses }: { timedOut: boolean; timeoutMs: number; statuses: Record<string, StepStatus> },
): { status: RunStatus; error: RunError } {
  if (CancellationScope.current().consideredCancelled) return { status: 'cancelled', error: { type: FAILURE_TYPES.cancelled, message: 'the run was cancelled' } };
  if (timedOut) return { status: 'timed_out', error: { type: FAILURE_TYPES.timeout, message: `the run did not finish within ${timeoutMs / 1000} s` } };
  if (isCancellation(error)) {
    const cancelled = Object.keys(statuses).filter((key) => statuses[key] === 'cancelled');
    return { status: 'cancelled', error: { type: FAILURE_TYPES.cancelled, message: `micro agent ${cancelled.map((key) => `"${key}"`).join(', ')} was cancelled` } };
  }
  return { status: 'failed', error: toRunError(error) };
}
