import { LLM_ACTIVITY_OPTIONS, MAINTENANCE_ACTIVITY_OPTIONS, RUN_HISTORY_ACTIVITY_OPTIONS, TOOL_ACTIVITY_OPTIONS } from '@flowmate/contracts';
import { proxyActivities } from '@temporalio/workflow';
import type { ApprovalActivities } from '../activities/approval.activities';
import type { DelegationActivities, LlmActivities } from '../activities/llm.activities';
import type { MaintenanceActivities } from '../activities/maintenance.activities';
import type { RunHistoryActivities } from '../activities/run-history.activities';
import type { ScheduleActivities } from '../activities/schedule.activities';
import type { ToolActivities } from '../activities/tool.activities';

export const history = proxyActivities<RunHistoryActivities>(RUN_HISTORY_ACTIVITY_OPTIONS);
export const tools = proxyActivities<ToolActivities>(TOOL_ACTIVITY_OPTIONS);
export const llm = proxyActivities<LlmActivities>(LLM_ACTIVITY_OPTIONS);
export const delegation = proxyActivities<DelegationActivities>(LLM_ACTIVITY_OPTIONS);
export const approvals = proxyActivities<ApprovalActivities>(RUN_HISTORY_ACTIVITY_OPTIONS);
export const schedules = proxyActivities<ScheduleActivities>(RUN_HISTORY_ACTIVITY_OPTIONS);
export const maintenance = proxyActivities<MaintenanceActivities>(MAINTENANCE_ACTIVITY_OPTIONS);
