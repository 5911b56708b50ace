import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the maintenance job's retention purges look up: finished runs and audit events by age. */
export class Retention1763860000000 implements MigrationInterface {
  name = 'Retention1763860000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX agent_runs_finished_idx ON agent_runs (finished_at) WHERE finished_at IS NOT NULL`);
    await db.query(`CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX audit_events_occurred_idx`);
    await db.query(`DROP INDEX agent_runs_finished_idx`);
  }
}
