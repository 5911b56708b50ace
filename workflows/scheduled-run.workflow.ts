import {
  mainAgentSearchAttributes,
  SCHEDULED_START_TIME,
  type ScheduledRunInput,
  type ScheduledRunResult,
  type ScheduledRunWorkflow,
} from '@flowmate/contracts';
import { executeChild, getExternalWorkflowHandle, isCancellation, ParentClosePolicy, workflowInfo } from '@temporalio/workflow';
import { schedules } from './activity-stubs';
import { mainAgentWorkflow } from './main-agent.workflow';

/**
 * What an agent's Temporal Schedule starts at each fire. The fire makes its run (the API made none) and
 * runs it as its child, `run-<runId>` like every run, so the Schedule's overlap policy sees the run
 * while it lasts, and cancelling the fire (`cancel_other`) cancels the run.
 */
export const scheduledRunWorkflow: ScheduledRunWorkflow = async ({ agentId }: ScheduledRunInput): Promise<ScheduledRunResult> => {
  const info = workflowInfo();
  // Started by hand (not by a Schedule), a fire is for the moment it started.
  const scheduledAt = info.typedSearchAttributes.get(SCHEDULED_START_TIME) ?? info.runStartTime;
  const opened = await schedules.openScheduledRun({ agentId, fireId: info.workflowId, scheduledAt: scheduledAt.toISOString() });
  if (opened.outcome === 'held') await Promise.all(opened.displacedWorkflowIds.map(cancelDisplaced));
  if (opened.outcome !== 'start') return { outcome: opened.outcome, runId: 'runId' in opened ? opened.runId : undefined };
  await executeChild(mainAgentWorkflow, {
    workflowId: opened.workflowId,
    args: [opened.input],
    typedSearchAttributes: mainAgentSearchAttributes(opened.input),
    memo: opened.memo,
    // A fire ended from outside (terminated, say) still lets its run close its own records.
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
  });
  return { outcome: 'start', runId: opened.runId };
};

/** A run the agent's `replace` policy displaces; one that has closed meanwhile needs nothing. */
async function cancelDisplaced(workflowId: string): Promise<void> {
  try {
    await getExternalWorkflowHandle(workflowId).cancel();
  } catch (error) {
    if (isCancellation(error)) throw error;
  }
}
