import type { DataSource } from 'typeorm';

/** The first taking of a delivery, or what an earlier one started. */
export type DeliveryClaim = { first: true } | { first: false; runIds: string[] };

/** Deliveries by the sender's id, so a redelivered event starts nothing new. */
export class WebhookDeliveriesRepository {
  constructor(private readonly db: DataSource) {}

  async claim(deliveryId: string, source: string, event: string): Promise<DeliveryClaim> {
    const inserted = (await this.db.query(
      `INSERT INTO webhook_deliveries (delivery_id, source, event) VALUES ($1, $2, $3) ON CONFLICT (delivery_id) DO NOTHING RETURNING 1`,
      [deliveryId, source, event],
    )) as unknown[];
    if (inserted.length > 0) return { first: true };
    const [row] = (await this.db.query(`SELECT run_ids FROM webhook_deliveries WHERE delivery_id = $1`, [deliveryId])) as Array<{ run_ids: string[] }>;
    return { first: false, runIds: row.run_ids };
  }

  /** Forgets a delivery whose runs could not all be started, so the sender's redelivery tries again. */
  async release(deliveryId: string): Promise<void> {
    await this.db.query(`DELETE FROM webhook_deliveries WHERE delivery_id = $1`, [deliveryId]);
  }

  async recordRuns(deliveryId: string, runIds: readonly string[]): Promise<void> {
    await this.db.query(`UPDATE webhook_deliveries SET run_ids = $2 WHERE delivery_id = $1`, [deliveryId, runIds]);
  }
}
