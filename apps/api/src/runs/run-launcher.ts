import type { AppConfig } from '@flowmate/config';
import { WORKFLOW_NAMES, workflowUiUrl, type MainAgentWorkflow } from '@flowmate/contracts';
import { mainAgentStartOptions } from '@flowmate/contracts/run-start';
import type { PendingStart, StartAttempt } from '@flowmate/db';
import { Injectable, Logger } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { InjectConfig } from '../core/app-config.provider';

/**
 * A failed start is tried again after this, doubled per failure up to the cap. The cap bounds how long a
 * run waits once Temporal is back; a relay's pass ends at its first failure, so a low one costs an outage
 * no more than a try a second.
 */
const RETRY = { firstMs: 500, maxMs: 5_000 };

/**
 * Hands one run to Temporal, whatever started it (manual, delegated, webhook, rerun): the workflow id
 * makes a repeated start harmless, so "already started" counts as started.
 */
@Injectable()
export class RunLauncher {
  private readonly logger = new Logger(RunLauncher.name);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly temporal: Client,
  ) {}

  async start({ run, target, attempts }: PendingStart, deadlineMs: number): Promise<StartAttempt> {
    const options = mainAgentStartOptions(run, target, { taskQueue: this.config.temporal.taskQueue });
    try {
      await this.temporal.withDeadline(Date.now() + deadlineMs, () => this.temporal.workflow.start<MainAgentWorkflow>(WORKFLOW_NAMES.mainAgent, options));
      return 'started';
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return 'started';
      const retryInMs = Math.min(RETRY.maxMs, RETRY.firstMs * 2 ** attempts);
      this.logger.warn({ err: error, runId: run.id, attempts: attempts + 1, retryInMs }, 'could not start the run workflow; the outbox tries again');
      return { failed: (error as Error).message, retryInMs };
    }
  }

  uiLink = (workflowId: string): string => workflowUiUrl(this.config.temporal.uiUrl, this.config.temporal.namespace, workflowId);
}
