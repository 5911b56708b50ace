import type { ApprovalStatus, ApprovalTimeoutOutcome, ApprovalVerdict, JsonValue, ToolName } from '@flowmate/contracts';
import type { DataSource, Repository } from 'typeorm';
import { ApprovalEntity } from '../entities';
import { pageNewestFirst, type Page, type PageRequest } from './page';
import { recordAudit } from './audit';
import { appendRunEvent, eventPreview } from './run-events';
import { updateReturning } from './update-returning';
import { toolStepKey } from './run-history.repository';

export interface NewApproval {
  id: string;
  runId: string;
  microAgentKey: string;
  stepId: string;
  workflowId: string;
  tool: ToolName;
  /** Resolved, each secret shown as its `{{secrets.<name>}}`. */
  args: JsonValue;
  timeoutSeconds: number;
  onTimeout: ApprovalTimeoutOutcome;
}

/**
 * Paused tool calls. The worker writes requests and decisions (each with its status changes and event, in
 * one transaction); the API reads them and checks ownership. Raw SQL where the status changes of run,
 * micro agent and step must move together.
 */
export class ApprovalsRepository {
  private readonly approvals: Repository<ApprovalEntity>;

  constructor(private readonly db: DataSource) {
    this.approvals = db.getRepository(ApprovalEntity);
  }

  /** Approvals waiting for a decision, of every user. */
  async countPending(): Promise<number> {
    const [row] = (await this.db.query(`SELECT count(*)::int AS pending FROM approvals WHERE status = 'pending'`)) as Array<{ pending: number }>;
    return row.pending;
  }

  /** Idempotent: a retried request finds its approval already stored, changes nothing and returns false. */
  async request(approval: NewApproval): Promise<boolean> {
    const stepKey = toolStepKey(approval.microAgentKey, approval.stepId);
    return this.db.transaction(async (tx) => {
      const [stored] = (await tx.query(
        `INSERT INTO approvals (id, run_id, user_id, micro_agent_key, step_key, workflow_id, tool, args, on_timeout, expires_at)
         SELECT $1, run.id, run.user_id, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9)
           FROM agent_runs AS run WHERE run.id = $2
         ON CONFLICT (run_id, step_key) DO NOTHING
         RETURNING expires_at`,
        [approval.id, approval.runId, approval.microAgentKey, stepKey, approval.workflowId, approval.tool, JSON.stringify(approval.args), approval.onTimeout, approval.timeoutSeconds],
      )) as Array<{ expires_at: Date }>;
      if (!stored) return false;
      await tx.query(`UPDATE run_steps SET status = 'waiting_approval' WHERE run_id = $1 AND step_key = ANY($2::text[]) AND status IN ('pending', 'running')`, [
        approval.runId,
        [stepKey, approval.microAgentKey],
      ]);
      await tx.query(`UPDATE agent_runs SET status = 'waiting_approval' WHERE id = $1 AND status = 'running'`, [approval.runId]);
      await appendRunEvent(tx, approval.runId, 'approval.requested', {
        approvalId: approval.id,
        stepKey,
        tool: approval.tool,
        expiresAt: stored.expires_at.toISOString(),
        args: eventPreview(approval.args),
      });
      return true;
    });
  }

  /**
   * Records a decision on a pending approval: a rejected call's step fails with ApprovalRejected, an
   * approved one goes back to pending; the micro agent and run go back to running once nothing of theirs
   * waits. False when the approval was no longer pending (a retried write).
   */
  async decide(verdict: ApprovalVerdict, rejection: { type: string; message: string }): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [decided] = await updateReturning<{ run_id: string; user_id: string; micro_agent_key: string; step_key: string }>(
        tx,
        `UPDATE approvals SET status = $2, decided_by = $3, comment = $4, timed_out = $5, decided_at = now()
          WHERE id = $1 AND status = 'pending'
          RETURNING run_id, user_id, micro_agent_key, step_key`,
        [verdict.approvalId, verdict.status, verdict.decidedBy, verdict.comment, verdict.timedOut],
      );
      if (!decided) return false;
      // Decided in the worker: the person is the verdict's (none when the timeout decided), not a request's.
      await recordAudit(tx, {
        action: 'approval.decided',
        ownerId: decided.user_id,
        actorUserId: verdict.decidedBy,
        objectType: 'approval',
        objectId: verdict.approvalId,
        details: { runId: decided.run_id, status: verdict.status, timedOut: verdict.timedOut },
      });
      const { run_id: runId, micro_agent_key: microAgentKey, step_key: stepKey } = decided;
      if (verdict.status === 'rejected') {
        await tx.query(`UPDATE run_steps SET status = 'failed', error = $3, finished_at = now() WHERE run_id = $1 AND step_key = $2`, [runId, stepKey, rejection]);
      } else {
        await tx.query(`UPDATE run_steps SET status = 'pending' WHERE run_id = $1 AND step_key = $2 AND status = 'waiting_approval'`, [runId, stepKey]);
      }
      await tx.query(
        `UPDATE run_steps SET status = 'running' WHERE run_id = $1 AND step_key = $2 AND status = 'waiting_approval'
            AND NOT EXISTS (SELECT 1 FROM approvals WHERE run_id = $1 AND micro_agent_key = $2 AND status = 'pending')`,
        [runId, microAgentKey],
      );
      await tx.query(
        `UPDATE agent_runs SET status = 'running' WHERE id = $1 AND status = 'waiting_approval'
            AND NOT EXISTS (SELECT 1 FROM approvals WHERE run_id = $1 AND status = 'pending')`,
        [runId],
      );
      await appendRunEvent(tx, runId, 'approval.decided', {
        approvalId: verdict.approvalId,
        stepKey,
        status: verdict.status,
        decidedBy: verdict.decidedBy,
        timedOut: verdict.timedOut,
        comment: verdict.comment,
      });
      return true;
    });
  }

  findOwned(userId: string, runId: string, id: string): Promise<ApprovalEntity | null> {
    return this.approvals
      .createQueryBuilder('approval')
      .where('approval.id = :id AND approval.run_id = :runId AND approval.user_id = :userId', { id, runId, userId })
      .getOne();
  }

  /** A run's approvals, oldest first: pending ones are what `GET /runs/:id` lists. */
  listForRun(runId: string, status?: ApprovalStatus): Promise<ApprovalEntity[]> {
    const query = this.approvals.createQueryBuilder('approval').where('approval.run_id = :runId', { runId });
    if (status) query.andWhere('approval.status = :status', { status });
    return query.orderBy('approval.created_at', 'ASC').getMany();
  }

  /** The user's approvals across runs, newest first. */
  listOwned(userId: string, status: ApprovalStatus | undefined, page: PageRequest): Promise<Page<ApprovalEntity>> {
    const query = this.approvals.createQueryBuilder('approval').where('approval.user_id = :userId', { userId });
    if (status) query.andWhere('approval.status = :status', { status });
    return pageNewestFirst(query, page);
  }
}
