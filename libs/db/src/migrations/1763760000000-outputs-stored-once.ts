import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each output is stored once, in its tool step's row: a micro agent refers to the step whose output is
 * its own, and a run's output is read from its micro agents. `output_bytes` lets reads preview large
 * outputs without measuring them again.
 */
export class OutputsStoredOnce1763760000000 implements MigrationInterface {
  name = 'OutputsStoredOnce1763760000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE run_steps ADD COLUMN output_step_key text, ADD COLUMN output_bytes int`);
    await db.query(`UPDATE run_steps SET output_bytes = octet_length(output::text) WHERE kind = 'tool' AND output IS NOT NULL`);
    await db.query(
      `UPDATE run_steps AS agent SET output = NULL, output_step_key = (
         SELECT step.step_key FROM run_steps AS step
          WHERE step.run_id = agent.run_id AND step.micro_agent_key = agent.step_key AND step.kind = 'tool' AND step.status = 'succeeded'
          ORDER BY step.position DESC LIMIT 1)
        WHERE agent.kind = 'micro_agent' AND agent.status = 'succeeded'`,
    );
    await db.query(`ALTER TABLE agent_runs DROP COLUMN output`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE agent_runs ADD COLUMN output jsonb`);
    await db.query(
      `UPDATE run_steps AS agent SET output = step.output
         FROM run_steps AS step
        WHERE agent.kind = 'micro_agent' AND step.run_id = agent.run_id AND step.step_key = agent.output_step_key`,
    );
    await db.query(
      `UPDATE agent_runs AS run SET output = (
         SELECT jsonb_object_agg(agent.step_key, agent.output) FROM run_steps AS agent WHERE agent.run_id = run.id AND agent.kind = 'micro_agent')
        WHERE run.status = 'succeeded'`,
    );
    await db.query(`ALTER TABLE run_steps DROP COLUMN output_step_key, DROP COLUMN output_bytes`);
  }
}
