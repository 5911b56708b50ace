import type { AuditAction, AuditObjectType, JsonObject } from '@flowmate/contracts';
import type { DataSource } from 'typeorm';
import { InvalidCursorError, type Page, type PageRequest } from './page';
import { updateReturning } from './update-returning';

/** An event as the audit log shows it. */
export interface StoredAuditEvent {
  id: string;
  occurredAt: Date;
  actorUserId: string | null;
  /** The API key the actor used; null for a sign-in session or FlowMate itself. */
  actorApiKeyId: string | null;
  action: AuditAction;
  objectType: AuditObjectType;
  objectId: string;
  correlationId: string | null;
  clientIp: string | null;
  details: JsonObject;
}

interface AuditRow {
  id: string;
  occurred_at: Date;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  action: AuditAction;
  object_type: AuditObjectType;
  object_id: string;
  correlation_id: string | null;
  client_ip: string | null;
  details: JsonObject;
}

export interface AuditFilter {
  objectId?: string;
  action?: AuditAction;
}

const ID_CURSOR = /^[1-9]\d{0,18}$/;

/** Reads the audit log (events are written by `recordAudit`, in the transactions of their changes). */
export class AuditEventsRepository {
  constructor(private readonly db: DataSource) {}

  /** Deletes up to `limit` events older than `occurredBefore` (the log's retention); returns how many. */
  async purgeBefore(occurredBefore: Date, limit: number): Promise<number> {
    const purged = await updateReturning(
      this.db,
      `DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1`,
      [occurredBefore, limit],
    );
    return purged.length;
  }

  /** The events about a user's objects, newest first; the cursor is the last event's id. */
  async listOwned(ownerId: string, { objectId, action }: AuditFilter, { limit, cursor }: PageRequest): Promise<Page<StoredAuditEvent>> {
    if (cursor !== undefined && !ID_CURSOR.test(cursor)) throw new InvalidCursorError('cursor is not one this API returned');
    const rows = (await this.db.query(
      `SELECT * FROM audit_events
        WHERE owner_id = $1 AND ($2::text IS NULL OR object_id = $2) AND ($3::text IS NULL OR action = $3) AND ($4::bigint IS NULL OR id < $4)
        ORDER BY id DESC LIMIT $5`,
      [ownerId, objectId ?? null, action ?? null, cursor ?? null, limit + 1],
    )) as AuditRow[];
    const items = rows.slice(0, limit).map(toEvent);
    return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
  }
}

const toEvent = (row: AuditRow): StoredAuditEvent => ({
  id: String(row.id),
  occurredAt: row.occurred_at,
  actorUserId: row.actor_user_id,
  actorApiKeyId: row.actor_api_key_id,
  action: row.action,
  objectType: row.object_type,
  objectId: row.object_id,
  correlationId: row.correlation_id,
  clientIp: row.client_ip,
  details: row.details,
});
