export { mainAgentWorkflow } from './main-agent.workflow';
export { microAgentWorkflow } from './micro-agent.workflow';
export { scheduledRunWorkflow } from './scheduled-run.workflow';
export { maintenanceWorkflow } from './maintenance.workflow';
