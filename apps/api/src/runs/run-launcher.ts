import type { AppConfig } from '@flowmate/config';
import { FAILURE_TYPES, WORKFLOW_NAMES, workflowUiUrl, type MainAgentWorkflow } from '@flowmate/contracts';
import { mainAgentStartOptions, type RunTarget } from '@flowmate/contracts/run-start';
import { RunsRepository, type AgentRunEntity } from '@flowmate/db';
import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { InjectConfig } from '../core/app-config.provider';

/** How long a caller waits for Temporal before the run is refused with 503. */
const START_DEADLINE_MS = 5_000;

/**
 * The one place runs are handed to Temporal, whatever started them (manual now, delegated; schedules,
 * webhooks and reruns next): the workflow id makes a repeated start harmless. The outbox of the
 * reliability issue replaces the inside of `launch` only.
 */
@Injectable()
export class RunLauncher {
  private readonly logger = new Logger(RunLauncher.name);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly temporal: Client,
    private readonly runs: RunsRepository,
  ) {}

  async launch(run: AgentRunEntity, target: RunTarget): Promise<void> {
    try {
      await this.temporal.withDeadline(Date.now() + START_DEADLINE_MS, () => this.start(run, target));
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      this.logger.error({ err: error, runId: run.id }, 'could not start the run workflow');
      await this.runs.markStartFailed(run.id, { type: FAILURE_TYPES.startFailed, message: 'Temporal could not be reached; the run was not started' });
      throw new ServiceUnavailableException(
        `Temporal could not be reached; run ${run.id} was not started. Retry with the same Idempotency-Key to start it.`,
      );
    }
  }

  private async start(run: AgentRunEntity, target: RunTarget): Promise<void> {
    await this.temporal.workflow.start<MainAgentWorkflow>(WORKFLOW_NAMES.mainAgent, mainAgentStartOptions(run, target, { taskQueue: this.config.temporal.taskQueue }));
  }

  uiLink = (workflowId: string): string => workflowUiUrl(this.config.temporal.uiUrl, this.config.temporal.namespace, workflowId);
}
