import type { MaintenanceReport, MaintenanceWorkflow } from '@flowmate/contracts';
import { maintenance } from './activity-stubs';

/** One pass of FlowMate's housekeeping, started hourly by its maintenance schedule: each purge in turn. */
export const maintenanceWorkflow: MaintenanceWorkflow = async (): Promise<MaintenanceReport> => ({
  agentsPurged: await maintenance.purgeTrashedAgents(),
  runsPurged: await maintenance.purgeOldRuns(),
  auditEventsPurged: await maintenance.purgeOldAuditEvents(),
});
