import { agentScheduleId, mainAgentSearchAttributes, SEARCH_ATTRIBUTES, WORKFLOW_NAMES, type ScheduledRunInput, type ScheduleOverlap, type ScheduleSpec } from '@flowmate/contracts';
import type { ScheduleDescription, ScheduleOptions, ScheduleOverlapPolicy, ScheduleUpdateOptions } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { isDeepStrictEqual } from 'node:util';

/**
 * Marks the Temporal Schedules of one FlowMate installation (its task queue), the only ones its reconciler
 * may delete. A search attribute, not a memo: Temporal filters on it, and it is not encrypted, so listing
 * never has to decode another installation's payloads.
 */
export const installationMark = (taskQueue: string): SearchAttributePair[] => [{ key: SEARCH_ATTRIBUTES.taskQueue, value: taskQueue }];

/** The visibility query of an installation's schedules. */
export const installationQuery = (taskQueue: string): string => `${SEARCH_ATTRIBUTES.taskQueue.name} = ${JSON.stringify(taskQueue)}`;

const OVERLAP_POLICIES: Record<ScheduleOverlap, ScheduleOverlapPolicy> = {
  skip: 'SKIP',
  buffer_one: 'BUFFER_ONE',
  buffer_all: 'BUFFER_ALL',
  cancel_other: 'CANCEL_OTHER',
  allow_all: 'ALLOW_ALL',
};

export const overlapPolicyOf = (overlap: ScheduleOverlap): ScheduleOverlapPolicy => OVERLAP_POLICIES[overlap];

/** An agent's schedule and who owns it: what its Temporal Schedule is made from. */
export interface ScheduleOwner {
  agentId: string;
  userId: string;
  spec: ScheduleSpec;
  /** An agent in the trash keeps its spec, and its Temporal Schedule is paused until a restore. */
  agentTrashed?: boolean;
}

/** Whether Temporal should hold the schedule paused. */
const pausedIn = ({ spec, agentTrashed }: ScheduleOwner): boolean => spec.paused || agentTrashed === true;

/**
 * The Temporal Schedule of an agent: at each fire it starts the scheduled-run workflow, which makes the
 * run from the agent's latest version and the stored spec's input (so the input never sits in Temporal).
 */
export function scheduleOptionsOf(owner: ScheduleOwner, taskQueue: string): ScheduleOptions {
  const { agentId, userId, spec } = owner;
  const fire: ScheduledRunInput = { agentId };
  const paused = pausedIn(owner);
  return {
    scheduleId: agentScheduleId(agentId),
    spec: {
      ...(spec.cron !== undefined ? { cronExpressions: [spec.cron] } : { intervals: [{ every: secondsToMs(spec.intervalSeconds as number) }] }),
      timezone: spec.timezone,
      jitter: secondsToMs(spec.jitterSeconds),
    },
    action: {
      type: 'startWorkflow',
      workflowType: WORKFLOW_NAMES.scheduledRun,
      workflowId: agentScheduleId(agentId),
      taskQueue,
      args: [fire],
      typedSearchAttributes: mainAgentSearchAttributes({ userId, agentId, trigger: 'schedule' }),
    },
    policies: { overlap: overlapPolicyOf(spec.overlap), catchupWindow: secondsToMs(spec.catchupWindowSeconds) },
    state: { paused, note: paused ? 'Paused through FlowMate' : 'Managed by FlowMate' },
    typedSearchAttributes: installationMark(taskQueue),
  };
}

/** An update carries everything but the id. */
export function scheduleUpdateOf({ spec, action, policies, state, typedSearchAttributes }: ScheduleOptions): ScheduleUpdateOptions {
  return { spec, action, policies, state: { paused: state?.paused, note: state?.note }, typedSearchAttributes };
}

/**
 * The parts of a Temporal Schedule that differ from what FlowMate stores. A cron expression comes back
 * from Temporal compiled into calendars, so the reconciler compares its fire times instead (`timing` here
 * covers cron against interval, and the interval).
 */
export function driftOf(actual: ScheduleDescription, owner: ScheduleOwner, wanted: ScheduleOptions): string[] {
  const { spec } = owner;
  const drift: string[] = [];
  const isCron = (actual.spec.calendars?.length ?? 0) > 0;
  const every = actual.spec.intervals?.[0]?.every;
  if (isCron !== (spec.cron !== undefined) || (!isCron && every !== secondsToMs(spec.intervalSeconds as number))) drift.push('timing');
  if ((actual.spec.timezone || 'UTC') !== spec.timezone) drift.push('timezone');
  if ((actual.spec.jitter ?? 0) !== secondsToMs(spec.jitterSeconds)) drift.push('jitter');
  if (actual.policies.overlap !== overlapPolicyOf(spec.overlap)) drift.push('overlap');
  if (actual.policies.catchupWindow !== secondsToMs(spec.catchupWindowSeconds)) drift.push('catchupWindow');
  if (actual.state.paused !== pausedIn(owner)) drift.push('paused');
  const { action } = wanted;
  if (actual.action.workflowType !== action.workflowType || actual.action.taskQueue !== action.taskQueue || !isDeepStrictEqual(actual.action.args, action.args)) {
    drift.push('action');
  }
  return drift;
}

const secondsToMs = (seconds: number): number => seconds * 1000;
