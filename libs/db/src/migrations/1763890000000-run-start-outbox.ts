import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs accepted but not yet handed to Temporal: written in the transaction that stores the run, deleted
 * once its workflow has started, so a run accepted while Temporal is down starts when it is back.
 */
export class RunStartOutbox1763890000000 implements MigrationInterface {
  name = 'RunStartOutbox1763890000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE run_start_outbox (
        run_id uuid PRIMARY KEY REFERENCES agent_runs (id) ON DELETE CASCADE,
        target jsonb NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX run_start_outbox_due_idx ON run_start_outbox (next_attempt_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE run_start_outbox`);
  }
}
