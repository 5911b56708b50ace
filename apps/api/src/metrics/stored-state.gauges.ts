import { ApprovalsRepository, RunStartOutboxRepository, type OutboxBacklog } from '@flowmate/db';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';

/**
 * Gauges read from Postgres at each scrape: pending approvals and the run-start outbox. Every API replica
 * reports the same values (aggregate with `max`). While Postgres is down a gauge keeps its last value, so
 * the scrape still answers.
 */
@Injectable()
export class StoredStateGauges implements OnModuleInit {
  private readonly logger = new Logger(StoredStateGauges.name);

  constructor(
    private readonly registry: Registry,
    private readonly approvals: ApprovalsRepository,
    private readonly outbox: RunStartOutboxRepository,
  ) {}

  onModuleInit(): void {
    this.gauge('flowmate_approvals_pending', 'Approvals waiting for a decision, across all users', async () => this.approvals.countPending());
    // The registry collects every metric at once: both outbox gauges share the one query of a scrape.
    let reading: Promise<OutboxBacklog> | undefined;
    const backlog = (): Promise<OutboxBacklog> => (reading ??= this.outbox.backlog().finally(() => (reading = undefined)));
    this.gauge('flowmate_run_start_backlog', 'Accepted runs not yet handed to Temporal (the run-start outbox)', async () => (await backlog()).pending);
    this.gauge('flowmate_run_start_oldest_seconds', 'Age of the oldest run waiting in the run-start outbox; 0 when none waits', async () => (await backlog()).oldestSeconds);
  }

  private gauge(name: string, help: string, read: () => Promise<number>): void {
    const { logger } = this;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        try {
          this.set(await read());
        } catch (error) {
          logger.warn(`could not read ${name}: ${(error as Error).message}`);
        }
      },
    });
  }
}
