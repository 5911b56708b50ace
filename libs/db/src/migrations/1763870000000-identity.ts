import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users' roles and known tiers, personal API keys (stored as hashes), and audit events that say which key acted. */
export class Identity1763870000000 implements MigrationInterface {
  name = 'Identity1763870000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'operator'))`);
    await db.query(`ALTER TABLE users ADD CONSTRAINT users_tier_check CHECK (tier IN ('free', 'pro', 'enterprise', 'unlimited'))`);
    await db.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await db.query(`CREATE INDEX api_keys_user_idx ON api_keys (user_id, created_at DESC)`);
    // No foreign key: the audit log outlives the keys it names.
    await db.query(`ALTER TABLE audit_events ADD COLUMN actor_api_key_id uuid`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE audit_events DROP COLUMN actor_api_key_id`);
    await db.query(`DROP TABLE api_keys`);
    await db.query(`ALTER TABLE users DROP CONSTRAINT users_tier_check`);
    await db.query(`ALTER TABLE users DROP COLUMN role`);
  }
}
