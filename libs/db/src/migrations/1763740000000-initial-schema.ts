import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763740000000 implements MigrationInterface {
  name = 'InitialSchema1763740000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE,
        tier text NOT NULL DEFAULT 'free',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE magic_links (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await db.query(`
      CREATE TABLE agents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL,
        definition jsonb NOT NULL,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX agents_user_created_idx ON agents (user_id, created_at DESC, id DESC)`);
    await db.query(`
      CREATE TABLE agent_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        agent_id uuid REFERENCES agents(id) ON DELETE SET NULL,
        agent_version int NOT NULL,
        trigger text NOT NULL,
        status text NOT NULL,
        input jsonb NOT NULL DEFAULT '{}'::jsonb,
        output jsonb,
        error jsonb,
        workflow_id text NOT NULL,
        idempotency_key text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await db.query(`CREATE UNIQUE INDEX agent_runs_idempotency_idx ON agent_runs (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await db.query(`CREATE INDEX agent_runs_user_created_idx ON agent_runs (user_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX agent_runs_agent_created_idx ON agent_runs (agent_id, created_at DESC, id DESC)`);
    await db.query(`
      CREATE TABLE run_steps (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES agent_runs(id) ON DELETE CASCADE,
        step_key text NOT NULL,
        micro_agent_key text NOT NULL,
        kind text NOT NULL,
        position int NOT NULL,
        tool text,
        status text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        input jsonb,
        output jsonb,
        error jsonb,
        workflow_id text,
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT run_steps_run_step_key UNIQUE (run_id, step_key)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['run_steps', 'agent_runs', 'agents', 'refresh_tokens', 'magic_links', 'users']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
