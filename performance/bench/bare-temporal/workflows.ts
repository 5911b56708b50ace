import { executeChild, proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

/** A micro agent's shape with nothing in it: two activities, one after the other. */
export async function bareChildWorkflow(): Promise<void> {
  await noop();
  await noop();
}

/** FlowMate's benchmark run without FlowMate: two children side by side, then a third after both. */
export async function bareParentWorkflow(runId: string): Promise<void> {
  await Promise.all(['a', 'b'].map((key) => executeChild(bareChildWorkflow, { workflowId: `${runId}/${key}` })));
  await executeChild(bareChildWorkflow, { workflowId: `${runId}/c` });
}
