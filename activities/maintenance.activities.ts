import { agentScheduleId } from '@flowmate/contracts';
import type { AgentsRepository } from '@flowmate/db';
import { Context } from '@temporalio/activity';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';

export interface MaintenanceDependencies {
  agents: AgentsRepository;
  temporal: Client;
  trashRetentionDays: number;
}

const PURGE_BATCH = 100;
const DAY_MS = 24 * 3600 * 1000;

/** Housekeeping FlowMate's maintenance schedule runs. */
export const createMaintenanceActivities = ({ agents, temporal, trashRetentionDays }: MaintenanceDependencies) => ({
  /**
   * Deletes agents that have been in the trash longer than the retention, a batch at a time, with their
   * versions, schedule rows (cascaded) and Temporal Schedules; their runs stay, without their agent.
   */
  async purgeTrashedAgents(): Promise<number> {
    const trashedBefore = new Date(Date.now() - trashRetentionDays * DAY_MS);
    let purged = 0;
    for (;;) {
      const ids = await agents.purgeTrashed(trashedBefore, PURGE_BATCH);
      for (const id of ids) await deleteSchedule(temporal, agentScheduleId(id));
      purged += ids.length;
      Context.current().heartbeat(purged);
      if (ids.length < PURGE_BATCH) return purged;
    }
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
