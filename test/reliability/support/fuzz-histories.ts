import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;
type History = temporal.api.history.v1.IHistory;

const CHILD_ENDED = new Set([
  EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
]);
const ACTIVITY_ENDED = new Set([
  EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
  EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
]);

export interface HistoryFacts {
  workflowId: string;
  workflowTaskFailures: number;
  /** Most child workflows started and not yet ended at any point. */
  maxPendingChildren: number;
  /** Most activities scheduled and not yet ended at any point. */
  maxPendingActivities: number;
  childWorkflowIds: string[];
  /** Size of the largest payload anywhere in the history, encoded as Temporal holds it. */
  largestPayloadBytes: number;
  totalBytes: number;
}

function largestPayload(value: unknown): number {
  if (value instanceof Uint8Array) return 0;
  if (Array.isArray(value)) return Math.max(0, ...value.map(largestPayload));
  if (typeof value !== 'object' || value === null) return 0;
  const payload = value as { data?: unknown; metadata?: unknown };
  if (payload.data instanceof Uint8Array && typeof payload.metadata === 'object') return payload.data.byteLength;
  return Math.max(0, ...Object.values(value).map(largestPayload));
}

export function factsOf(workflowId: string, history: History): HistoryFacts {
  let children = 0;
  let activities = 0;
  const facts: HistoryFacts = { workflowId, workflowTaskFailures: 0, maxPendingChildren: 0, maxPendingActivities: 0, childWorkflowIds: [], largestPayloadBytes: 0, totalBytes: 0 };
  for (const event of history.events ?? []) {
    const type = event.eventType;
    if (type === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) facts.workflowTaskFailures += 1;
    if (type === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
      children += 1;
      const childId = event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (childId && !facts.childWorkflowIds.includes(childId)) facts.childWorkflowIds.push(childId);
    }
    if (type !== null && type !== undefined && CHILD_ENDED.has(type)) children -= 1;
    if (type === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) activities += 1;
    if (type !== null && type !== undefined && ACTIVITY_ENDED.has(type)) activities -= 1;
    facts.maxPendingChildren = Math.max(facts.maxPendingChildren, children);
    facts.maxPendingActivities = Math.max(facts.maxPendingActivities, activities);
    facts.largestPayloadBytes = Math.max(facts.largestPayloadBytes, largestPayload(event));
  }
  facts.totalBytes = temporal.api.history.v1.History.encode(history).finish().byteLength;
  return facts;
}

/** The facts of a workflow's history and, recursively, of every child it started (continued-as-new runs included by id). */
export async function runHistories(client: Client, workflowId: string): Promise<HistoryFacts[]> {
  const facts = factsOf(workflowId, await client.workflow.getHandle(workflowId).fetchHistory());
  const children = await Promise.all(facts.childWorkflowIds.map((childId) => runHistories(client, childId)));
  return [facts, ...children.flat()];
}
