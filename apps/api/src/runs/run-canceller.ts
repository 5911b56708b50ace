import { FAILURE_TYPES } from '@flowmate/contracts';
import { RunHistoryRepository, RunsRepository, RunStartOutboxRepository, type AgentRunEntity } from '@flowmate/db';
import { ConflictException, Injectable } from '@nestjs/common';
import { Client, WorkflowNotFoundError } from '@temporalio/client';

export interface CancelRequested {
  runId: string;
  cancelRequestedAt: Date;
}

/**
 * Stops a run: first the flag every tool call checks before it starts (so none starts after the answer),
 * then Temporal's own cancel, which reaches the parent, its children and, through heartbeats, the calls
 * under way. A run Temporal never heard of (held by its agent's concurrency, or still in the run-start
 * outbox) ends here.
 */
@Injectable()
export class RunCanceller {
  constructor(
    private readonly temporal: Client,
    private readonly runs: RunsRepository,
    private readonly history: RunHistoryRepository,
    private readonly outbox: RunStartOutboxRepository,
  ) {}

  async cancel(run: Pick<AgentRunEntity, 'id'>): Promise<CancelRequested> {
    const requested = await this.runs.requestCancel(run.id);
    if (!requested) throw new ConflictException('The run has already finished');
    const answer = { runId: requested.id, cancelRequestedAt: requested.cancelRequestedAt };
    // Taken out of the outbox, it never starts; one the relay is starting right now is found in Temporal below.
    if (requested.heldBy || (await this.outbox.discard(requested.id))) return this.endUnstarted(requested.id, answer);
    try {
      await this.temporal.workflow.getHandle(requested.workflowId).cancel();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      return this.endUnstarted(requested.id, answer);
    }
    return answer;
  }

  private async endUnstarted(runId: string, answer: CancelRequested): Promise<CancelRequested> {
    await this.history.markRunFinished(runId, 'cancelled', { type: FAILURE_TYPES.cancelled, message: 'the run was cancelled before it started' });
    return answer;
  }
}
