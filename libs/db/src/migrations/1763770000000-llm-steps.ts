import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LLM micro agents record each model call as a step (`kind = 'llm'`, its tokens and why it stopped) and
 * each tool call the model asked for as a tool step carrying the model's `tool_call_id`.
 */
export class LlmSteps1763770000000 implements MigrationInterface {
  name = 'LlmSteps1763770000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE run_steps ADD COLUMN tool_call_id text, ADD COLUMN tokens int, ADD COLUMN finish_reason text`);
    // The run's token budget sums every model call of the run.
    await db.query(`CREATE INDEX run_steps_llm_idx ON run_steps (run_id) WHERE kind = 'llm'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX run_steps_llm_idx`);
    await db.query(`ALTER TABLE run_steps DROP COLUMN tool_call_id, DROP COLUMN tokens, DROP COLUMN finish_reason`);
  }
}
