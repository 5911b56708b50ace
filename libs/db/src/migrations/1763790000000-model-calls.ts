import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Model steps record every call of their fallback chain (which provider and model answered, which failed and
 * why); workers report their circuit breakers' transitions so the API can show them.
 */
export class ModelCalls1763790000000 implements MigrationInterface {
  name = 'ModelCalls1763790000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE run_steps ADD COLUMN model_calls jsonb`);
    await db.query(`
      CREATE TABLE circuit_breakers (
        worker_id text NOT NULL,
        target text NOT NULL,
        state text NOT NULL,
        opened_at timestamptz,
        reopens_at timestamptz,
        last_error jsonb,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (target, worker_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE circuit_breakers`);
    await db.query(`ALTER TABLE run_steps DROP COLUMN model_calls`);
  }
}
