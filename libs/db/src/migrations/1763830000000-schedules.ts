import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One schedule per agent, the record Temporal's Schedule is kept in step with; scheduled runs keep the time they fired for. */
export class Schedules1763830000000 implements MigrationInterface {
  name = 'Schedules1763830000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE schedules (
        agent_id uuid PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        temporal_schedule_id text NOT NULL UNIQUE,
        spec jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`ALTER TABLE agent_runs ADD COLUMN scheduled_at timestamptz`);
    await db.query(`CREATE INDEX agent_runs_agent_scheduled_idx ON agent_runs (agent_id, created_at DESC) WHERE trigger = 'schedule'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX agent_runs_agent_scheduled_idx`);
    await db.query(`ALTER TABLE agent_runs DROP COLUMN scheduled_at`);
    await db.query(`DROP TABLE schedules`);
  }
}
