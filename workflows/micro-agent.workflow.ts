import { FAILURE_TYPES, isLlmMicroAgent, type MicroAgentInput, type MicroAgentResult, type MicroAgentWorkflow } from '@flowmate/contracts';
import { ApplicationFailure, CancellationScope, ContinueAsNew, isCancellation, workflowInfo } from '@temporalio/workflow';
import { historyWrites, tools } from './activity-stubs';
import { ApprovalGate } from './approval-gate';
import { toRunError } from './failures';
import { runLlmLoop } from './llm-loop';

/** One child per micro agent: its steps in order, each a retryable tool activity, or an LLM loop over its tools. */
export const microAgentWorkflow: MicroAgentWorkflow = async (input: MicroAgentInput): Promise<MicroAgentResult> => {
  const { runId, microAgent } = input;
  const { key } = microAgent;
  const steps = microAgent.steps ?? [];
  const history = historyWrites();
  await history.markMicroAgentStarted({
    runId,
    key,
    workflowId: workflowInfo().workflowId,
    steps: steps.map((step, position) => ({ id: step.id, position, tool: step.tool })),
  });

  const gate = new ApprovalGate(microAgent.requiresApproval);
  let current = '';
  let outputStepId: string;
  let stepsRun = steps.length;
  try {
    if (isLlmMicroAgent(microAgent)) {
      ({ outputStepId, stepsRun } = await runLlmLoop(input, gate, (description) => (current = description)));
    } else {
      for (const [position, step] of steps.entries()) {
        current = `step "${step.id}" (${step.tool})`;
        if (gate.covers(step.tool) && !(await gate.pass({ runId, microAgentKey: key, stepId: step.id, position, tool: step.tool, args: step.args }))) {
          throw ApplicationFailure.create({ type: FAILURE_TYPES.approvalRejected, message: 'the call was not approved', nonRetryable: true });
        }
        // The timeline shows which step and tool each activity is; never its arguments, which may hold secrets.
        await tools.runToolStep.executeWithOptions({ summary: `${step.id} · ${step.tool}` }, [
          { runId, microAgentKey: key, stepId: step.id, position, tool: step.tool, args: step.args },
        ]);
      }
      outputStepId = steps[steps.length - 1].id;
    }
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    const cancelled = isCancellation(error);
    const cause = toRunError(error);
    const runError = cancelled ? cause : { type: cause.type, message: `${current} failed: ${cause.message}` };
    await CancellationScope.nonCancellable(() =>
      history.markMicroAgentFinished({ runId, key, status: cancelled ? 'cancelled' : 'failed', error: runError }),
    );
    if (cancelled) throw error;
    throw ApplicationFailure.create({
      type: runError.type,
      message: `micro agent "${key}": ${runError.message}`,
      nonRetryable: true,
      details: [{ microAgentKey: key, cause: runError }],
    });
  }

  await CancellationScope.nonCancellable(() =>
    history.markMicroAgentFinished({ runId, key, status: 'succeeded', error: null, lastStepId: outputStepId }),
  );
  return { key, stepsRun };
};
