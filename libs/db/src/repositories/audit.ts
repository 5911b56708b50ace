import type { AuditAction, AuditObjectType, JsonObject } from '@flowmate/contracts';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';

/** Who is acting in this call chain, set by the API for each request (the user once authenticated). */
export interface AuditActor {
  userId?: string;
  /** The personal API key the user acted through, when it was not a sign-in session. */
  apiKeyId?: string;
  correlationId?: string;
  clientIp?: string;
}

/** The request's actor, for every audit event written while it is handled; empty in the worker, where FlowMate itself acts. */
export const auditActor = new AsyncLocalStorage<AuditActor>();

export interface AuditEvent {
  action: AuditAction;
  /** Whose object it is: the events a user lists. */
  ownerId: string;
  objectType: AuditObjectType;
  objectId: string;
  /** Who acted, when it is not the request's user (an approval decided through the worker, a sign-in). */
  actorUserId?: string | null;
  /** Names and numbers only: never a secret, a token or a run's data. */
  details?: JsonObject;
}

/** Appends an event inside the caller's transaction, so it is recorded exactly when the change commits. */
export async function recordAudit(tx: Pick<EntityManager, 'query'>, event: AuditEvent): Promise<void> {
  const actor = auditActor.getStore();
  await tx.query(
    `INSERT INTO audit_events (owner_id, actor_user_id, actor_api_key_id, action, object_type, object_id, correlation_id, client_ip, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      event.ownerId,
      event.actorUserId === undefined ? (actor?.userId ?? null) : event.actorUserId,
      event.actorUserId === undefined ? (actor?.apiKeyId ?? null) : null,
      event.action,
      event.objectType,
      event.objectId,
      actor?.correlationId ?? null,
      actor?.clientIp ?? null,
      event.details ?? {},
    ],
  );
}
