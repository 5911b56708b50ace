import { approveUpdate, type ApprovalAnswerOutcome } from '@flowmate/contracts';
import { ApprovalsRepository, type ApprovalEntity } from '@flowmate/db';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { AuthUser } from '../auth/auth-user';
import { withCursorCheck } from '../common/invalid-cursor';
import type { PageDto } from '../common/page-query.dto';
import { toApprovalDto, type ApprovalDto, type DecideApprovalDto, type ListApprovalsQueryDto } from './dto/approval.dto';

/**
 * Decisions go to the micro agent's workflow as an update: the workflow stores the decision before it
 * answers, and its answer says whether this decision was the one that counted (a timeout or another
 * decision may have come first), so a second decision is a 409, never a silent overwrite.
 */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly approvals: ApprovalsRepository,
    private readonly temporal: Client,
  ) {}

  async decide(user: AuthUser, runId: string, approvalId: string, dto: DecideApprovalDto): Promise<ApprovalDto> {
    const approval = await this.ownedApproval(user, runId, approvalId);
    if (approval.status !== 'pending') throw alreadyDecided(approval);
    const outcome = await this.sendDecision(approval, user, dto);
    const decided = await this.ownedApproval(user, runId, approvalId);
    if (!outcome.applied) throw alreadyDecided(decided);
    return toApprovalDto(decided);
  }

  async list(user: AuthUser, query: ListApprovalsQueryDto): Promise<PageDto<ApprovalDto>> {
    const page = await withCursorCheck(() => this.approvals.listOwned(user.id, query.status, { limit: query.limit, cursor: query.cursor }));
    return { items: page.items.map(toApprovalDto), nextCursor: page.nextCursor };
  }

  /** A run's calls waiting for a decision, for `GET /runs/:id`. */
  async pendingOf(runId: string): Promise<ApprovalDto[]> {
    return (await this.approvals.listForRun(runId, 'pending')).map(toApprovalDto);
  }

  private async sendDecision(approval: ApprovalEntity, user: AuthUser, { decision, comment }: DecideApprovalDto): Promise<ApprovalAnswerOutcome> {
    try {
      return await this.temporal.workflow
        .getHandle(approval.workflowId)
        .executeUpdate(approveUpdate, { args: [{ approvalId: approval.id, decision, comment, decidedBy: user.id }] });
    } catch (error) {
      // The micro agent ended (cancelled, timed out) while the call waited: nothing is left to decide.
      if (error instanceof WorkflowNotFoundError || error instanceof WorkflowUpdateFailedError) {
        throw new ConflictException('The run is no longer waiting for this approval');
      }
      throw error;
    }
  }

  private async ownedApproval(user: AuthUser, runId: string, approvalId: string): Promise<ApprovalEntity> {
    const approval = await this.approvals.findOwned(user.id, runId, approvalId);
    if (!approval) throw new NotFoundException('Approval not found');
    return approval;
  }
}

function alreadyDecided(approval: ApprovalEntity): ConflictException {
  const by = approval.timedOut ? 'by its timeout' : 'by a person';
  return new ConflictException(`This approval was already decided: ${approval.status} ${by}`);
}
