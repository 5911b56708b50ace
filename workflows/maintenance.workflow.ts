import type { MaintenanceReport, MaintenanceWorkflow } from '@flowmate/contracts';
import { maintenance } from './activity-stubs';

/** One pass of FlowMate's housekeeping, started hourly by its maintenance schedule. */
export const maintenanceWorkflow: MaintenanceWorkflow = async (): Promise<MaintenanceReport> => ({
  agentsPurged: await maintenance.purgeTrashedAgents(),
});
