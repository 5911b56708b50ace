import { EVENT_PREVIEW_BYTES, RUN_EVENTS_CHANNEL, type EventPreview, type JsonValue, type RunEventData, type RunEventType } from '@flowmate/contracts';
import type { EntityManager } from 'typeorm';

/** The head of a value's JSON when it is longer than EVENT_PREVIEW_BYTES, cut on a whole character. */
export function eventPreview(value: JsonValue): EventPreview {
  const json = JSON.stringify(value);
  const bytes = Buffer.byteLength(json);
  if (bytes <= EVENT_PREVIEW_BYTES) return { value, truncated: false, bytes };
  let head = json.slice(0, EVENT_PREVIEW_BYTES);
  while (Buffer.byteLength(head) > EVENT_PREVIEW_BYTES) head = head.slice(0, -1);
  return { value: head, truncated: true, bytes };
}

/**
 * A run's events take their ids one writer at a time, each holding the turn until it commits: a bigserial
 * is drawn at insert, not at commit, so two overlapping writers could otherwise commit ids out of order and
 * a stream that had read the later one would step over the earlier one for good. Appending an event is
 * the last thing every writer does, so the turn is held only until its commit.
 */
export const RUN_EVENT_TURN = 'pg_advisory_xact_lock(hashtextextended($1::text, 1))';

/**
 * Appends an event inside the caller's transaction, and tells listening API processes which run it
 * belongs to (Postgres delivers the notification at commit, so a listener never reads ahead of the data).
 */
export async function appendRunEvent<T extends RunEventType>(tx: EntityManager, runId: string, type: T, data: RunEventData[T]): Promise<void> {
  await tx.query(
    `WITH turn AS (SELECT ${RUN_EVENT_TURN} AS taken),
          event AS (INSERT INTO run_events (run_id, type, data) SELECT $1::uuid, $2::text, $3::jsonb FROM turn RETURNING run_id)
     SELECT pg_notify($4, run_id::text) FROM event`,
    [runId, type, JSON.stringify(data), RUN_EVENTS_CHANNEL],
  );
}
