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
 * Appends an event inside the caller's transaction, and tells listening API processes which run it
 * belongs to (Postgres delivers the notification at commit, so a listener never reads ahead of the data).
 */
export async function appendRunEvent<T extends RunEventType>(tx: EntityManager, runId: string, type: T, data: RunEventData[T]): Promise<void> {
  await tx.query(
    `WITH event AS (INSERT INTO run_events (run_id, type, data) VALUES ($1, $2, $3::jsonb) RETURNING run_id)
     SELECT pg_notify($4, run_id::text) FROM event`,
    [runId, type, JSON.stringify(data), RUN_EVENTS_CHANNEL],
  );
}
