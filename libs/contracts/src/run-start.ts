import type { WorkflowStartOptions } from '@temporalio/client';
import type { AgentDefinition } from './agent-definition';
import type { DelegationCandidate } from './delegation';
import type { RunTrigger } from './run-status';
import { mainAgentSearchAttributes, type MainAgentInput, type MainAgentWorkflow } from './workflows';

/** The run row fields a start needs. */
export interface RunToStart {
  id: string;
  userId: string;
  agentVersion: number | null;
  trigger: RunTrigger;
  workflowId: string;
  /** A rerun's reused micro agents. */
  reuse: MainAgentInput['reuse'] | null;
}

/** What a run starts: one agent (at the version the run uses), or a delegated task over some of the user's agents. */
export type RunTarget =
  | { agent: { id: string; name: string; version: number; definition: AgentDefinition } }
  | { delegation: { task: string; candidates: DelegationCandidate[] } };

/**
 * How every run is handed to Temporal, by the API or by the worker starting a run its agent's
 * concurrency held: one options object, so both start the same workflow the same way. Not exported
 * from the package index: workflow code has no use for the client's types.
 */
export function mainAgentStartOptions(
  run: RunToStart,
  target: RunTarget,
  { taskQueue }: { taskQueue: string },
): WorkflowStartOptions<MainAgentWorkflow> {
  const agent = 'agent' in target ? target.agent : undefined;
  const delegation = 'delegation' in target ? target.delegation : undefined;
  return {
    workflowId: run.workflowId,
    taskQueue,
    args: [
      {
        runId: run.id,
        userId: run.userId,
        agentId: agent?.id,
        agentVersion: run.agentVersion ?? undefined,
        trigger: run.trigger,
        // A delegated run's main agent has the task for instructions; its micro agents come from its plan.
        definition: agent ? agent.definition : { name: 'Delegated task', instructions: delegation?.task, microAgents: [] },
        delegation,
        reuse: run.reuse ?? undefined,
      },
    ],
    typedSearchAttributes: mainAgentSearchAttributes({ userId: run.userId, agentId: agent?.id, trigger: run.trigger }),
    memo: agent ? { agentName: agent.name, agentVersion: run.agentVersion } : { task: delegation?.task },
    // A relaunch after the first execution closed must not run the same run twice.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  };
}
