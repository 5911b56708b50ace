import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Run control: the SSE event log, paused tool calls and their decisions, every version of every agent
 * (reruns start the version a run used), and the run columns for cancel, concurrency holds and reruns.
 */
export class RunControl1763810000000 implements MigrationInterface {
  name = 'RunControl1763810000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE run_events (
        id bigserial PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES agent_runs(id) ON DELETE CASCADE,
        type text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX run_events_run_idx ON run_events (run_id, id)`);
    await db.query(`
      CREATE TABLE approvals (
        id uuid PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES agent_runs(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        micro_agent_key text NOT NULL,
        step_key text NOT NULL,
        workflow_id text NOT NULL,
        tool text NOT NULL,
        args jsonb,
        status text NOT NULL DEFAULT 'pending',
        on_timeout text NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        decided_by uuid REFERENCES users(id) ON DELETE SET NULL,
        decided_at timestamptz,
        comment text,
        timed_out boolean NOT NULL DEFAULT false,
        UNIQUE (run_id, step_key)
      )`);
    await db.query(`CREATE INDEX approvals_user_status_idx ON approvals (user_id, status, created_at DESC, id DESC)`);
    await db.query(`
      CREATE TABLE agent_versions (
        agent_id uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        version int NOT NULL,
        definition jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (agent_id, version)
      )`);
    await db.query(`INSERT INTO agent_versions (agent_id, version, definition, created_at) SELECT id, version, definition, updated_at FROM agents`);
    await db.query(`
      ALTER TABLE agent_runs
        ADD COLUMN rerun_of uuid REFERENCES agent_runs(id) ON DELETE SET NULL,
        ADD COLUMN reuse jsonb,
        ADD COLUMN held_by text,
        ADD COLUMN cancel_requested_at timestamptz`);
    await db.query(`CREATE INDEX agent_runs_active_idx ON agent_runs (agent_id, created_at, id) WHERE status IN ('queued', 'running', 'waiting_approval')`);
    await db.query(`ALTER TABLE run_steps ADD COLUMN reused_from jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE run_steps DROP COLUMN reused_from`);
    await db.query(`DROP INDEX agent_runs_active_idx`);
    await db.query(`ALTER TABLE agent_runs DROP COLUMN cancel_requested_at, DROP COLUMN held_by, DROP COLUMN reuse, DROP COLUMN rerun_of`);
    await db.query(`DROP TABLE agent_versions`);
    await db.query(`DROP TABLE approvals`);
    await db.query(`DROP TABLE run_events`);
  }
}
