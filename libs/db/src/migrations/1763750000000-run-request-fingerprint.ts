import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What an Idempotency-Key was first used for, so a reuse with another request can be refused. */
export class RunRequestFingerprint1763750000000 implements MigrationInterface {
  name = 'RunRequestFingerprint1763750000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE agent_runs ADD COLUMN request_fingerprint text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE agent_runs DROP COLUMN request_fingerprint`);
  }
}
