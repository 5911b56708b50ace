export const RUN_STATUSES = [
  'queued',
  'running',
  'waiting_approval',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'timed_out'];

/** Status of a micro agent or a step inside a run. */
export const STEP_STATUSES = ['pending', 'running', 'waiting_approval', 'succeeded', 'failed', 'skipped', 'cancelled', 'reused'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const RUN_TRIGGERS = ['manual', 'schedule', 'webhook', 'delegate'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export interface RunError {
  type: string;
  message: string;
}

/** Why a queued run has not started: `concurrency`, another run of its agent is active. */
export type RunHold = 'concurrency';

/** Active runs hold an agent's concurrency slot. */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'waiting_approval'];

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export type ApprovalDecision = 'approve' | 'reject';
