import type { JsonValue } from './json';
import type { ApprovalStatus, RunError, RunStatus, StepStatus } from './run-status';

/**
 * What the events stream of a run says, in the order it happened. Written by the same statements that
 * write the run's history, so the stream and the run never disagree.
 */
export const RUN_EVENT_TYPES = [
  'run.started',
  'run.finished',
  'micro_agent.started',
  'micro_agent.finished',
  'micro_agent.reused',
  'step.started',
  'step.finished',
  'approval.requested',
  'approval.decided',
] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

/** The event after which a run's stream ends. */
export const FINAL_RUN_EVENT: RunEventType = 'run.finished';

/** Postgres channel told the run id of every event written, so open streams wake at once. */
export const RUN_EVENTS_CHANNEL = 'run_events';

/** Inputs and outputs in events are previews: a value whose JSON is longer comes as the head of that JSON. */
export const EVENT_PREVIEW_BYTES = 2048;

export interface EventPreview {
  value: JsonValue;
  truncated: boolean;
  bytes: number;
}

export interface RunEventData {
  'run.started': { status: RunStatus };
  'run.finished': { status: RunStatus; error: RunError | null };
  'micro_agent.started': { key: string };
  'micro_agent.finished': { key: string; status: StepStatus; error: RunError | null };
  'micro_agent.reused': { key: string; from: { runId: string; stepKey: string } };
  'step.started': { stepKey: string; kind: string; tool: string | null; attempt: number };
  'step.finished': {
    stepKey: string;
    kind: string;
    tool: string | null;
    status: StepStatus;
    attempt: number;
    error: RunError | null;
    tokens?: number;
    input?: EventPreview;
    output?: EventPreview;
  };
  'approval.requested': { approvalId: string; stepKey: string; tool: string; expiresAt: string; args: EventPreview | null };
  'approval.decided': { approvalId: string; stepKey: string; status: ApprovalStatus; decidedBy: string | null; timedOut: boolean; comment: string | null };
}
