import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhook deliveries already taken, by the sender's delivery id: a redelivery answers with the runs the first started. */
export class WebhookDeliveries1763820000000 implements MigrationInterface {
  name = 'WebhookDeliveries1763820000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhook_deliveries (
        delivery_id text PRIMARY KEY,
        source text NOT NULL,
        event text NOT NULL,
        run_ids uuid[] NOT NULL DEFAULT '{}',
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhook_deliveries`);
  }
}
