import {
  candidateOf,
  DEFAULT_RUN_TIMEOUT_SECONDS,
  delegatedMicroAgents,
  FAILURE_TYPES,
  isLlmMicroAgent,
  microAgentWorkflowId,
  planWaves,
  progressQuery,
  RUN_SUMMARY,
  summariesOf,
  summaryPromptOf,
  type AgentDefinition,
  type MainAgentInput,
  type MainAgentResult,
  type MainAgentWorkflow,
  type MicroAgentDefinition,
  type RunError,
  type RunStatus,
  type StepStatus,
} from '@flowmate/contracts';
import { ApplicationFailure, CancellationScope, executeChild, isCancellation, patched, setHandler } from '@temporalio/workflow';
import { delegation, historyWrites, llm } from './activity-stubs';
import { toRunError } from './failures';
import { microAgentWorkflow } from './micro-agent.workflow';

/**
 * The main agent: walks the micro agents' DAG in waves, one child workflow per micro agent,
 * the micro agents of a wave side by side.
 */
export const mainAgentWorkflow: MainAgentWorkflow = async (input: MainAgentInput): Promise<MainAgentResult> => {
  const { runId, definition } = input;
  const history = historyWrites();
  // A delegated run's micro agents are known once its plan is.
  let microAgents = definition.microAgents;
  const statuses: Record<string, StepStatus> = {};
  const track = (list: readonly MicroAgentDefinition[]): void => list.forEach((agent) => (statuses[agent.key] = 'pending'));
  track(microAgents);
  setHandler(progressQuery, () => ({ microAgents: { ...statuses } }));

  /** The agent a micro agent belongs to: this run's, or, delegated, the candidate it was taken from. */
  const agentOf = (microAgent: MicroAgentDefinition): AgentDefinition =>
    (input.delegation && candidateOf(input.delegation.candidates, microAgent.key)?.definition) || definition;

  const runMicroAgent = async (microAgent: MicroAgentDefinition): Promise<void> => {
    statuses[microAgent.key] = 'running';
    const agent = agentOf(microAgent);
    try {
      await executeChild(microAgentWorkflow, {
        workflowId: microAgentWorkflowId(runId, microAgent.key),
        args: [{ runId, microAgent, agent: { instructions: agent.instructions, model: agent.model, limits: agent.limits } }],
        // The Web UI's timeline names the micro agent and its mode instead of repeating "microAgentWorkflow".
        staticSummary: `${microAgent.key} · ${isLlmMicroAgent(microAgent) ? 'llm' : 'steps'}`,
      });
      statuses[microAgent.key] = 'succeeded';
    } catch (error) {
      statuses[microAgent.key] = isCancellation(error) ? 'cancelled' : 'failed';
      throw error;
    }
  };

  /** A rerun's micro agent outside `from` and its dependants: the source run's recorded rows stand in for running it. */
  const reuseMicroAgent = async (microAgent: MicroAgentDefinition, sourceRunId: string): Promise<void> => {
    try {
      await history.markMicroAgentReused({ runId, key: microAgent.key, sourceRunId });
      statuses[microAgent.key] = 'reused';
    } catch (error) {
      statuses[microAgent.key] = isCancellation(error) ? 'cancelled' : 'failed';
      throw error;
    }
  };

  const reuse = input.reuse;
  const startMicroAgent = (microAgent: MicroAgentDefinition): Promise<void> =>
    reuse?.microAgentKeys.includes(microAgent.key) ? reuseMicroAgent(microAgent, reuse.sourceRunId) : runMicroAgent(microAgent);

  const walkWaves = async (): Promise<void> => {
    if (input.delegation) {
      const { task, candidates } = input.delegation;
      const plan = await delegation.planDelegation.executeWithOptions({ summary: 'plan · main agent' }, [{ runId, task, candidates: summariesOf(candidates) }]);
      microAgents = delegatedMicroAgents(candidates, plan);
      track(microAgents);
      await history.markRunStarted({ runId, microAgentKeys: microAgents.map((agent) => agent.key) });
    }
    for (const wave of planWaves(microAgents)) {
      const settled = await Promise.allSettled(wave.map(startMicroAgent));
      const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    }
  };

  const timeoutMs = (definition.limits?.timeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS) * 1000;
  // Its own scope, so a timeout (this scope cancelled) tells itself apart from an outside cancel (the root's).
  const walkScope = new CancellationScope({ cancellable: true, timeout: timeoutMs });
  try {
    await history.markRunStarted({ runId, microAgentKeys: microAgents.map((agent) => agent.key) });
    await walkScope.run(walkWaves);
  } catch (error) {
    const outcome = failureOutcome(error, { timedOut: walkScope.consideredCancelled, timeoutMs, statuses });
    await CancellationScope.nonCancellable(() => history.markRunFinished({ runId, ...outcome }));
    if (CancellationScope.current().consideredCancelled) throw error;
    throw ApplicationFailure.create({ type: outcome.error.type, message: outcome.error.message, nonRetryable: true });
  }

  if (definition.instructions && patched('run-summary')) {
    try {
      await summarise(input, microAgents);
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
async function summarise({ runId, definition }: MainAgentInput, microAgents: readonly MicroAgentDefinition[]): Promise<void> {
  await llm.callModel.executeWithOptions({ summary: 'summary · main agent' }, [
    {
      runId,
      microAgentKey: RUN_SUMMARY.microAgentKey,
      stepId: RUN_SUMMARY.stepId,
      position: 0,
      model: definition.model,
      tools: [],
      maxTokens: definition.limits?.maxTokens,
      prompt: { system: summaryPromptOf(definition), dependsOn: microAgents.map((agent) => agent.key) },
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
