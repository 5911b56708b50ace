import { ApprovalsRepository } from '@flowmate/db';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';

/**
 * `flowmate_approvals_pending`, counted in Postgres at each scrape: every API replica reports the same
 * total (aggregate with `max`). While Postgres is down the gauge keeps its last value, so the scrape still answers.
 */
@Injectable()
export class PendingApprovalsGauge implements OnModuleInit {
  private readonly logger = new Logger(PendingApprovalsGauge.name);

  constructor(
    private readonly registry: Registry,
    private readonly approvals: ApprovalsRepository,
  ) {}

  onModuleInit(): void {
    const { approvals, logger } = this;
    new Gauge({
      name: 'flowmate_approvals_pending',
      help: 'Approvals waiting for a decision, across all users',
      registers: [this.registry],
      async collect() {
        try {
          this.set(await approvals.countPending());
        } catch (error) {
          logger.warn(`could not count pending approvals: ${(error as Error).message}`);
        }
      },
    });
  }
}
