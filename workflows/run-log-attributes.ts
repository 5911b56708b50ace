// A workflow interceptor module (bundled with the workflows): every log line a run's workflows write,
// the SDK's own included, names the FlowMate run and micro agent beside Temporal's workflow id.
import { runOfWorkflowId } from '@flowmate/contracts';
import { workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      getLogAttributes: (input, next) => next({ ...input, ...runOfWorkflowId(workflowInfo().workflowId) }),
    },
  ],
});
