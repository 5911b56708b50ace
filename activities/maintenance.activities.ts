import { agentScheduleId } from '@flowmate/contracts';
import type { AgentsRepository, AuditEventsRepository, RunsRepository } from '@flowmate/db';
import { Context } from '@temporalio/activity';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';

export interface MaintenanceDependencies {
  agents: AgentsRepository;
  runs: RunsRepository;
  auditEvents: AuditEventsRepository;
  temporal: Client;
  retentionDays: { agentTrash: number; runs: number; auditEvents: number };
}

/** Small enough that no batch holds its rows' locks for long. */
const PURGE_BATCH = 500;
const DAY_MS = 24 * 3600 * 1000;

const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY_MS);

/** Runs `purgeBatch` until a batch comes back short, heartbeating the running total; returns it. */
async function inBatches(purgeBatch: (limit: number) => Promise<number>): Promise<number> {
  let purged = 0;
  for (;;) {
    const count = await purgeBatch(PURGE_BATCH);
    purged += count;
    Context.current().heartbeat(purged);
    if (count < PURGE_BATCH) return purged;
  }
}

/** Housekeeping FlowMate's maintenance schedule runs. */
export const createMaintenanceActivities = ({ agents, runs, auditEvents, temporal, retentionDays }: MaintenanceDependencies) => ({
  /**
   * Deletes agents that have been in the trash longer than the retention, with their versions, schedule
   * rows (cascaded) and Temporal Schedules; their runs stay, without their agent.
   */
  async purgeTrashedAgents(): Promise<number> {
    return inBatches(async (limit) => {
      const ids = await agents.purgeTrashed(daysAgo(retentionDays.agentTrash), limit);
      for (const id of ids) await deleteSchedule(temporal, agentScheduleId(id));
      return ids.length;
    });
  },

  /** Deletes finished runs past the retention, with their steps, outputs, events and approvals. */
  async purgeOldRuns(): Promise<number> {
    return inBatches((limit) => runs.purgeFinishedBefore(daysAgo(retentionDays.runs), limit));
  },

  async purgeOldAuditEvents(): Promise<number> {
    return inBatches((limit) => auditEvents.purgeBefore(daysAgo(retentionDays.auditEvents), limit));
  },
});

/** An agent without a schedule has none to delete; a Temporal that is down fails the attempt, and the reconciler removes what a retry cannot. */
async function deleteSchedule(temporal: Client, scheduleId: string): Promise<void> {
  try {
    await temporal.schedule.getHandle(scheduleId).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}

export type MaintenanceActivities = ReturnType<typeof createMaintenanceActivities>;
