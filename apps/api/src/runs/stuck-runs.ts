import type { AppConfig } from '@flowmate/config';
import { Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import { temporal as proto } from '@temporalio/proto';
import { InjectConfig } from '../core/app-config.provider';
import type { StuckDto } from './dto/run.dto';

/** How many of a workflow's latest history events are searched for its last failed workflow task. */
const RECENT_EVENTS = 50;

/**
 * Finds a run that cannot move: a workflow whose workflow task keeps failing. Temporal retries such a task
 * rather than failing the run (so deploying fixed code heals it), which also means nothing else ever says
 * so; this reads it from Temporal for `GET /runs/:id`.
 */
@Injectable()
export class StuckRuns {
  constructor(
    private readonly temporal: Client,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The first of these workflows that is stuck, or null. */
  async find(workflowIds: readonly string[]): Promise<StuckDto | null> {
    for (const workflowId of workflowIds) {
      const { raw } = await this.temporal.workflow.getHandle(workflowId).describe();
      const attempt = raw.pendingWorkflowTask?.attempt ?? 0;
      if (attempt >= 2) return { workflowId, failedWorkflowTasks: attempt - 1, reason: await this.lastTaskFailure(workflowId) };
    }
    return null;
  }

  private async lastTaskFailure(workflowId: string): Promise<string> {
    const { history } = await this.temporal.workflowService.getWorkflowExecutionHistoryReverse({
      namespace: this.config.temporal.namespace,
      execution: { workflowId },
      maximumPageSize: RECENT_EVENTS,
    });
    const failed = history?.events?.find((event) => event.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes;
    if (!failed) return 'its workflow task keeps failing';
    const error = await decodeOptionalFailureToOptionalError(this.temporal.options.loadedDataConverter, failed.failure);
    const cause = proto.api.enums.v1.WorkflowTaskFailedCause[failed.cause ?? 0];
    return `${cause}: ${error?.message ?? 'no message'}`;
  }
}
