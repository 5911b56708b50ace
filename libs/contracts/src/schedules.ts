import type { JsonObject } from './json';

/** How a fire is handled while the agent's previous scheduled run is still going (Temporal's overlap policies). */
export const SCHEDULE_OVERLAPS = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'allow_all'] as const;
export type ScheduleOverlap = (typeof SCHEDULE_OVERLAPS)[number];

export const SCHEDULE_LIMITS = {
  minIntervalSeconds: 10,
  maxIntervalSeconds: 366 * 24 * 3600,
  /** Temporal's own floor for a catch-up window. */
  minCatchupWindowSeconds: 10,
  maxCatchupWindowSeconds: 365 * 24 * 3600,
  maxJitterSeconds: 24 * 3600,
  /** A backfill may replay at most this many fire times, so one request cannot start an unbounded number of runs. */
  backfillTimes: 100,
  nextRunTimes: 5,
  recentRuns: 10,
} as const;

export const SCHEDULE_DEFAULTS = {
  timezone: 'UTC',
  overlap: 'skip',
  /** Fires missed while Temporal was down are still taken within this long after their time. */
  catchupWindowSeconds: 3600,
  jitterSeconds: 0,
} as const satisfies Partial<ScheduleSpec>;

/** An agent's schedule as FlowMate stores it and Temporal is kept in step with: exactly one of `cron` and `intervalSeconds`. */
export interface ScheduleSpec {
  /** A standard 5-field cron expression, read in `timezone`. */
  cron?: string;
  intervalSeconds?: number;
  /** An IANA time zone name. */
  timezone: string;
  paused: boolean;
  overlap: ScheduleOverlap;
  catchupWindowSeconds: number;
  jitterSeconds: number;
  /** The input of every run the schedule starts. */
  input: JsonObject;
}

/** One Temporal Schedule per agent; Temporal suffixes each fire's workflow id with its time. */
export const agentScheduleId = (agentId: string): string => `agent-${agentId}`;
