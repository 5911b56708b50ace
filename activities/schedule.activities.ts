import { FAILURE_TYPES, type RunError, type ScheduledRunOpened } from '@flowmate/contracts';
import { mainAgentStartOptions } from '@flowmate/contracts/run-start';
import { problemsInOneLine, runInputProblems } from '@flowmate/contracts/validation';
import type { AgentRunEntity, AgentsRepository, RunHistoryRepository, RunsRepository, SchedulesRepository } from '@flowmate/db';
import type { WorkerMetrics } from '@flowmate/observability';

export interface ScheduleActivitiesDependencies {
  agents: AgentsRepository;
  schedules: SchedulesRepository;
  runs: RunsRepository;
  history: RunHistoryRepository;
  taskQueue: string;
  metrics: Pick<WorkerMetrics, 'scheduleFired'>;
}

export interface ScheduledFire {
  agentId: string;
  /** The fire's workflow id: Temporal makes it unique per fire, so it names the run a retry must find again. */
  fireId: string;
  /** ISO 8601: the time the schedule fired for. */
  scheduledAt: string;
}

const CANCELLED_BEFORE_START: RunError = { type: FAILURE_TYPES.cancelled, message: 'a newer scheduled run replaced it before it started' };

/** What a schedule's fire does first: there is no API request, so the fire makes its own run. */
export const createScheduleActivities = ({ agents, schedules, runs, history, taskQueue, metrics }: ScheduleActivitiesDependencies) => {
  /** `replace`: the runs the new one displaces are asked to stop; a held one never started and ends here. */
  const displace = async (runIds: readonly string[]): Promise<string[]> => {
    const workflowIds: string[] = [];
    for (const runId of runIds) {
      const requested = await runs.requestCancel(runId);
      if (!requested) continue;
      if (requested.heldBy) await history.markRunFinished(runId, 'cancelled', CANCELLED_BEFORE_START);
      else workflowIds.push(requested.workflowId);
    }
    return workflowIds;
  };

  /**
   * Stores the fire's run with the agent's latest version and the schedule's input, under the agent's
   * concurrency policy. Idempotent per fire: a retry finds the run the first attempt stored.
   */
  const openRun = async ({ agentId, fireId, scheduledAt }: ScheduledFire): Promise<ScheduledRunOpened> => {
    const agent = await agents.findById(agentId);
    const schedule = await schedules.findByAgent(agentId);
    if (!agent || !schedule) return { outcome: 'agentGone' };
    const policy = agent.definition.concurrency?.policy ?? 'allow';
    const newRun = {
      userId: agent.userId,
      agentId,
      agentVersion: agent.version,
      trigger: 'schedule' as const,
      input: schedule.spec.input,
      idempotencyKey: `schedule:${fireId}`,
      scheduledAt: new Date(scheduledAt),
    };
    // The agent may have changed its inputSchema since the schedule was saved.
    const problems = agent.definition.inputSchema ? runInputProblems(agent.definition.inputSchema, schedule.spec.input) : [];
    if (problems.length > 0) {
      const message = `the schedule's input does not fit the agent's inputSchema: ${problemsInOneLine(problems)}`;
      return { outcome: 'refused', runId: (await runs.createFailed(newRun, { type: FAILURE_TYPES.invalidInput, message })).id };
    }
    const admission = await runs.admitQueued(
      newRun,
      policy,
      { recordRefusal: { type: FAILURE_TYPES.concurrencyRejected, message: 'a run of this agent was still active, and its concurrency policy is "reject"' } },
    );
    const run = admission.run as AgentRunEntity;
    if ('refused' in admission || run.error?.type === FAILURE_TYPES.concurrencyRejected) return { outcome: 'refused', runId: run.id };
    if (run.heldBy) {
      // The held run starts when those it displaces have closed.
      const displacedWorkflowIds = policy === 'replace' && admission.created ? await displace(admission.activeRunIds) : [];
      return { outcome: 'held', runId: run.id, displacedWorkflowIds };
    }
    // A retry's run may have been stored with a version the agent has moved on from since.
    const version = run.agentVersion === agent.version ? agent : await agents.findVersion(agentId, run.agentVersion as number);
    if (!version) return { outcome: 'agentGone' };
    const target = { agent: { id: agentId, name: version.definition.name, version: version.version, definition: version.definition } };
    const { args, memo } = mainAgentStartOptions(run, target, { taskQueue });
    return { outcome: 'start', runId: run.id, workflowId: run.workflowId, input: args[0], memo: memo ?? {} };
  };

  return {
    /** Counted once it has answered: an attempt that failed before then opened nothing a retry would not find. */
    async openScheduledRun(fire: ScheduledFire): Promise<ScheduledRunOpened> {
      const opened = await openRun(fire);
      metrics.scheduleFired(opened.outcome);
      return opened;
    },
  };
};

export type ScheduleActivities = ReturnType<typeof createScheduleActivities>;
