import type { ConcurrencyPolicy } from '@flowmate/contracts';
import type { RunTarget } from '@flowmate/contracts/run-start';
import { RunsRepository, type AgentRunEntity, type NewRun } from '@flowmate/db';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { RunCanceller } from './run-canceller';

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Stores a new run under its agent's concurrency policy. `reject` answers 409 while a run of the agent is
 * active; `queue` holds the new run until the active ones end (the worker that closes a run starts the
 * oldest held one); `replace` holds it too and cancels the runs it displaces. A delegated run has no
 * single agent and is always allowed.
 */
@Injectable()
export class RunAdmission {
  constructor(
    private readonly runs: RunsRepository,
    private readonly canceller: RunCanceller,
  ) {}

  /** `created` is false when the run's Idempotency-Key found the run an earlier request stored. */
  async admit(newRun: NewRun, target: RunTarget): Promise<{ run: AgentRunEntity; created: boolean }> {
    const policy: ConcurrencyPolicy = ('agent' in target && target.agent.definition.concurrency?.policy) || 'allow';
    const admission = await this.store(newRun, policy);
    if ('refused' in admission) {
      throw new ConflictException(`Run ${admission.activeRunIds[0]} of this agent is still active, and its concurrency policy is "reject"`);
    }
    if (policy === 'replace' && admission.created) {
      for (const runId of admission.activeRunIds) await this.cancelDisplaced(runId);
    }
    return { run: admission.run, created: admission.created };
  }

  /** The agent may be deleted between the ownership check and the insert. */
  private async store(newRun: NewRun, policy: ConcurrencyPolicy) {
    try {
      return await this.runs.admitQueued(newRun, policy);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === FOREIGN_KEY_VIOLATION) {
        throw new NotFoundException('Agent not found');
      }
      throw error;
    }
  }

  /** A displaced run that finished meanwhile needs nothing more. */
  private async cancelDisplaced(runId: string): Promise<void> {
    try {
      await this.canceller.cancel({ id: runId });
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
    }
  }
}
