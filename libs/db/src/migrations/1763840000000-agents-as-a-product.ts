import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who made each agent version (and which one it restored), and a trash for deleted agents. */
export class AgentsAsAProduct1763840000000 implements MigrationInterface {
  name = 'AgentsAsAProduct1763840000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE agent_versions
        ADD COLUMN created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        ADD COLUMN restored_from int`);
    // Before this, only an agent's owner could change it.
    await db.query(`UPDATE agent_versions v SET created_by = a.user_id FROM agents a WHERE a.id = v.agent_id`);
    await db.query(`ALTER TABLE agents ADD COLUMN deleted_at timestamptz`);
    await db.query(`CREATE INDEX agents_trash_idx ON agents (deleted_at) WHERE deleted_at IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX agents_trash_idx`);
    await db.query(`ALTER TABLE agents DROP COLUMN deleted_at`);
    await db.query(`ALTER TABLE agent_versions DROP COLUMN restored_from, DROP COLUMN created_by`);
  }
}
