import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The counters of the API's rate limits, shared by every API replica. The shape is the one
 * rate-limiter-flexible's Postgres store reads and writes (it would otherwise create the table itself).
 */
export class RateLimits1763880000000 implements MigrationInterface {
  name = 'RateLimits1763880000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE rate_limits (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE rate_limits`);
  }
}
