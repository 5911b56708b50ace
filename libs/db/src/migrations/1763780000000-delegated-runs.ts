import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A delegated run has a task and no single agent: it links every agent (and version) its plan used. */
export class DelegatedRuns1763780000000 implements MigrationInterface {
  name = 'DelegatedRuns1763780000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE agent_runs ALTER COLUMN agent_version DROP NOT NULL, ADD COLUMN task text, ADD COLUMN agents jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM agent_runs WHERE agent_version IS NULL`);
    await db.query(`ALTER TABLE agent_runs DROP COLUMN agents, DROP COLUMN task, ALTER COLUMN agent_version SET NOT NULL`);
  }
}
