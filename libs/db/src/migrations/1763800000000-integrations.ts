import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users' SaaS connections and HTTP-tool secrets, encrypted at rest, and the single-use states of OAuth connects. */
export class Integrations1763800000000 implements MigrationInterface {
  name = 'Integrations1763800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE integration_credentials (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        provider text NOT NULL,
        ciphertext text NOT NULL,
        key_id text NOT NULL,
        account text,
        account_id text,
        scopes text[] NOT NULL DEFAULT '{}',
        expires_at timestamptz,
        needs_reauth boolean NOT NULL DEFAULT false,
        connected_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, provider)
      )`);
    await db.query(`
      CREATE TABLE user_secrets (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL,
        ciphertext text NOT NULL,
        key_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, name)
      )`);
    await db.query(`
      CREATE TABLE oauth_states (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        provider text NOT NULL,
        state_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE oauth_states`);
    await db.query(`DROP TABLE user_secrets`);
    await db.query(`DROP TABLE integration_credentials`);
  }
}
