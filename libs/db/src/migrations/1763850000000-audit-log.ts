import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: append-only (nothing in FlowMate updates or deletes an event),
 * written in the transaction of the change it records. No foreign keys: an event outlives its object and,
 * as a tombstone, its user.
 */
export class AuditLog1763850000000 implements MigrationInterface {
  name = 'AuditLog1763850000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_events (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        owner_id uuid NOT NULL,
        actor_user_id uuid,
        action text NOT NULL,
        object_type text NOT NULL,
        object_id text NOT NULL,
        correlation_id text,
        client_ip text,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await db.query(`CREATE INDEX audit_events_owner_idx ON audit_events (owner_id, id DESC)`);
    await db.query(`CREATE INDEX audit_events_owner_object_idx ON audit_events (owner_id, object_id, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_events`);
  }
}
