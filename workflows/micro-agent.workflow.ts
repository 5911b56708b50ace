import type { MicroAgentInput, MicroAgentResult, MicroAgentWorkflow } from '@flowmate/contracts';
import { ApplicationFailure, CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import { history, tools } from './activity-stubs';
import { toRunError } from './failures';

/** One child per micro agent: its steps in order, each a retryable tool activity. */
export const microAgentWorkflow: MicroAgentWorkflow = async ({ runId, microAgent }: MicroAgentInput): Promise<MicroAgentResult> => {
  const { key, steps } = microAgent;
  await history.markMicroAgentStarted({
    runId,
    key,
    workflowId: workflowInfo().workflowId,
    steps: steps.map((step, position) => ({ id: step.id, position, tool: step.tool })),
  });

  let current = steps[0];
  try {
    for (const [position, step] of steps.entries()) {
      current = step;
      // The timeline shows which step and tool each activity is; never its arguments, which may hold secrets.
      await tools.runToolStep.executeWithOptions({ summary: `${step.id} · ${step.tool}` }, [
        { runId, microAgentKey: key, stepId: step.id, position, tool: step.tool, args: step.args },
      ]);
    }
  } catch (error) {
    const cancelled = isCancellation(error);
    const cause = toRunError(error);
    const runError = cancelled ? cause : { type: cause.type, message: `step "${current.id}" (${current.tool}) failed: ${cause.message}` };
    await CancellationScope.nonCancellable(() =>
      history.markMicroAgentFinished({ runId, key, status: cancelled ? 'cancelled' : 'failed', error: runError }),
    );
    if (cancelled) throw error;
    throw ApplicationFailure.create({
      type: runError.type,
      message: `micro agent "${key}": ${runError.message}`,
      nonRetryable: true,
      details: [{ microAgentKey: key, stepId: current.id, cause: runError }],
    });
  }

  await CancellationScope.nonCancellable(() =>
    history.markMicroAgentFinished({ runId, key, status: 'succeeded', error: null, lastStepId: steps[steps.length - 1].id }),
  );
  return { key, stepsRun: steps.length };
};
