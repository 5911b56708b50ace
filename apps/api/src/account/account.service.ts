import { RunsRepository, SchedulesRepository, UsersRepository } from '@flowmate/db';
import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { RunCanceller } from '../runs/run-canceller';
import { TemporalSchedules } from '../schedules/temporal-schedules';
import type { DeleteAccountDto } from './delete-account.dto';

/** An account's end: everything of the user's, in Temporal and in Postgres. */
@Injectable()
export class AccountService {
  constructor(
    private readonly users: UsersRepository,
    private readonly runs: RunsRepository,
    private readonly schedules: SchedulesRepository,
    private readonly canceller: RunCanceller,
    private readonly temporalSchedules: TemporalSchedules,
  ) {}

  /**
   * Temporal first: the user's active runs are cancelled and their schedules deleted, so nothing runs on
   * for an owner who is gone (a Temporal that cannot be reached is a 503, and nothing is deleted). Then
   * one transaction deletes the user with everything of theirs and leaves the audit log a tombstone.
   */
  async delete(user: AuthUser, { confirm }: DeleteAccountDto): Promise<void> {
    if (confirm.trim().toLowerCase() !== user.email.toLowerCase()) {
      throw new BadRequestException({ message: 'Request validation failed', details: [{ path: 'confirm', message: 'must be your e-mail address, to confirm the deletion' }] });
    }
    // Schedules first: they answer 503 for a Temporal that is down before anything has been cancelled.
    for (const agentId of await this.schedules.agentIdsOf(user.id)) await this.temporalSchedules.remove(agentId);
    for (const runId of await this.runs.findActiveIdsOf(user.id)) await this.cancelIfActive(runId);
    await this.users.deleteWithTombstone(user.id);
  }

  /** A run that finished meanwhile needs nothing more. */
  private async cancelIfActive(runId: string): Promise<void> {
    try {
      await this.canceller.cancel({ id: runId });
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
    }
  }
}
