import { WORKFLOW_NAMES, type MainAgentWorkflow } from '@flowmate/contracts';
import { mainAgentStartOptions } from '@flowmate/contracts/run-start';
import type { AgentRunEntity, AgentsRepository, RunsRepository } from '@flowmate/db';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';

export interface HeldRunStarterDependencies {
  runs: RunsRepository;
  agents: AgentsRepository;
  temporal: Client;
  taskQueue: string;
}

/**
 * When a run closes, starts the oldest run its agent's concurrency policy (`queue`, `replace`) held, with
 * the agent version that run was accepted with. Safe to repeat: a run already started keeps its
 * workflow id, and a held run is released only once Temporal has it.
 */
export class HeldRunStarter {
  constructor(private readonly deps: HeldRunStarterDependencies) {}

  async startNext(finishedRunId: string): Promise<void> {
    await this.deps.runs.startNextHeld(finishedRunId, (run) => this.start(run));
  }

  private async start(run: AgentRunEntity): Promise<void> {
    const { agents, temporal, taskQueue } = this.deps;
    // Deleting an agent ends its held runs, so a held run's version is there.
    const version = await agents.findVersion(run.agentId as string, run.agentVersion as number);
    if (!version) throw new Error(`run ${run.id} is held, but version ${run.agentVersion} of its agent is gone`);
    const agent = { id: version.agentId, name: version.definition.name, version: version.version, definition: version.definition };
    try {
      await temporal.workflow.start<MainAgentWorkflow>(WORKFLOW_NAMES.mainAgent, mainAgentStartOptions(run, { agent }, { taskQueue }));
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}
