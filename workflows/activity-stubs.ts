import { LLM_ACTIVITY_OPTIONS, MAINTENANCE_ACTIVITY_OPTIONS, RUN_HISTORY_ACTIVITY_OPTIONS, TOOL_ACTIVITY_OPTIONS } from '@flowmate/contracts';
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { ApprovalActivities } from '../activities/approval.activities';
import type { DelegationActivities, LlmActivities } from '../activities/llm.activities';
import type { MaintenanceActivities } from '../activities/maintenance.activities';
import type { RunHistoryActivities } from '../activities/run-history.activities';
import type { ScheduleActivities } from '../activities/schedule.activities';
import type { ToolActivities } from '../activities/tool.activities';

const historyActivities = proxyActivities<RunHistoryActivities>(RUN_HISTORY_ACTIVITY_OPTIONS);
const localHistoryActivities = proxyLocalActivities<RunHistoryActivities>(RUN_HISTORY_ACTIVITY_OPTIONS);

/**
 * A run's history writes, as local activities: the worker that runs the workflow task makes them, so
 * each costs one Postgres statement instead of a round trip through Temporal's task queue as well (they
 * were most of a run's activities, and the dev server's CPU its limit). They stay idempotent upserts, so
 * a worker that dies mid-write has the next one write again. Runs begun before the change replay their
 * writes as the regular activities they were. Call once, first thing in a workflow.
 */
export const historyWrites = (): typeof historyActivities => (patched('local-history-writes') ? localHistoryActivities : historyActivities);
export const tools = proxyActivities<ToolActivities>(TOOL_ACTIVITY_OPTIONS);
export const llm = proxyActivities<LlmActivities>(LLM_ACTIVITY_OPTIONS);
export const delegation = proxyActivities<DelegationActivities>(LLM_ACTIVITY_OPTIONS);
export const approvals = proxyActivities<ApprovalActivities>(RUN_HISTORY_ACTIVITY_OPTIONS);
export const schedules = proxyActivities<ScheduleActivities>(RUN_HISTORY_ACTIVITY_OPTIONS);
export const maintenance = proxyActivities<MaintenanceActivities>(MAINTENANCE_ACTIVITY_OPTIONS);
