import { runOfWorkflowId } from '@flowmate/contracts';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** Every log line an activity writes, the SDK's own included, names the FlowMate run and micro agent it works for. */
export const runLogAttributes: ActivityInterceptorsFactory = (context) => ({
  outbound: {
    getLogAttributes: (input, next) => next({ ...input, ...runOfWorkflowId(context.info.workflowExecution?.workflowId ?? '') }),
  },
});
