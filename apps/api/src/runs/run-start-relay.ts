import { RunStartOutboxRepository } from '@flowmate/db';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { RunLauncher } from './run-launcher';

/** How often the outbox is read for starts due (another replica's, or ones whose retry time came). */
const POLL_INTERVAL_MS = 1_000;
const BATCH = 20;
/** The request that stored a run waits this long for its start; then the relay takes over. */
const REQUEST_START_DEADLINE_MS = 2_000;
/** A start the relay makes waits this long for Temporal before it counts as failed. */
const RELAY_START_DEADLINE_MS = 5_000;

/**
 * Drains the run-start outbox: every run the API accepts is stored with its outbox row in one
 * transaction, so a run accepted while Temporal is down starts once it is back, and one whose API
 * process died before starting it is started by any replica. No leader is needed: each row is locked by
 * the replica starting it, and the others skip it.
 */
@Injectable()
export class RunStartRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunStartRelay.name);
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly outbox: RunStartOutboxRepository,
    private readonly launcher: RunLauncher,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.drain(), POLL_INTERVAL_MS).unref();
  }

  /** Before the Postgres pool and the Temporal connection close: no new pass, and the one under way ends. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.draining;
  }

  /**
   * The request's own try, right after its run was stored: the run is in Temporal when the answer leaves,
   * unless Temporal (or Postgres) is down, and then the relay starts it later. Never throws.
   */
  async startNow(runId: string): Promise<void> {
    try {
      await this.outbox.startDue({ limit: 1, runId }, (pending) => this.launcher.start(pending, REQUEST_START_DEADLINE_MS));
    } catch (error) {
      this.logger.warn({ err: error, runId }, 'could not start the run now; the outbox relay will');
    }
  }

  private drain(): Promise<void> {
    if (this.draining || this.stopping) return this.draining ?? Promise.resolve();
    this.draining = this.drainBatches()
      .catch((error: Error) => this.logger.warn({ err: error }, 'could not read the run-start outbox; the next poll tries again'))
      .finally(() => (this.draining = undefined));
    return this.draining;
  }

  /** One failed start ends the pass: Temporal is likely down, and the batch's other rows would each wait out the deadline. */
  private async drainBatches(): Promise<void> {
    let failed = false;
    while (!this.stopping && !failed) {
      const taken = await this.outbox.startDue({ limit: BATCH }, async (pending) => {
        if (failed || this.stopping) return 'untried';
        const attempt = await this.launcher.start(pending, RELAY_START_DEADLINE_MS);
        failed = attempt !== 'started';
        return attempt;
      });
      if (taken < BATCH) return;
    }
  }
}
