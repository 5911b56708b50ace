import { approveUpdate, type ApprovalAnswer, type ApprovalAnswerOutcome, type ApprovalPolicy, type ApprovalVerdict, type ToolName } from '@flowmate/contracts';
import { condition, setHandler, uuid4, workflowInfo } from '@temporalio/workflow';
import type { ApprovalRequest } from '../activities/approval.activities';
import { approvals } from './activity-stubs';

/** A call waiting for its decision: `settled` once the decision is stored, so the call never runs ahead of its record. */
interface PendingApproval {
  verdict?: ApprovalVerdict;
  settled: boolean;
}

/** The call about to be made, as the approval request names it. */
export type GatedCall = Omit<ApprovalRequest, 'approvalId' | 'workflowId' | 'timeoutSeconds' | 'onTimeout'>;

/**
 * Pauses a micro agent before each call of the tools its `requiresApproval` lists. The wait is a workflow
 * condition with the policy's timeout: no worker slot is held while a person decides. Decisions arrive as
 * the `approve` update, whose answer says whether it decided the call (a second decision does not).
 */
export class ApprovalGate {
  private readonly calls = new Map<string, PendingApproval>();

  constructor(private readonly policy: ApprovalPolicy | undefined) {
    setHandler(approveUpdate, (answer) => this.decide(answer), {
      validator: ({ approvalId }) => {
        if (!this.calls.has(approvalId)) throw new Error(`approval ${approvalId} is not one of this micro agent's`);
      },
    });
  }

  covers(tool: ToolName): boolean {
    return this.policy?.tools.includes(tool) ?? false;
  }

  /** Resolves to whether the call may go ahead, once its decision is stored. */
  async pass(call: GatedCall): Promise<boolean> {
    const policy = this.policy as ApprovalPolicy;
    const approvalId = uuid4();
    const pending: PendingApproval = { settled: false };
    this.calls.set(approvalId, pending);
    await approvals.requestApproval.executeWithOptions({ summary: `approval · ${call.stepId} · ${call.tool}` }, [
      { ...call, approvalId, workflowId: workflowInfo().workflowId, timeoutSeconds: policy.timeoutSeconds, onTimeout: policy.onTimeout },
    ]);
    if (!(await condition(() => pending.settled, policy.timeoutSeconds * 1000))) {
      if (pending.verdict) {
        // A person decided just as the time ran out: theirs stands, once stored.
        await condition(() => pending.settled);
      } else {
        pending.verdict = { approvalId, status: policy.onTimeout === 'approve' ? 'approved' : 'rejected', decidedBy: null, comment: null, timedOut: true };
        await approvals.recordApprovalDecision(pending.verdict);
        pending.settled = true;
      }
    }
    return pending.verdict?.status === 'approved';
  }

  private async decide({ approvalId, decision, comment, decidedBy }: ApprovalAnswer): Promise<ApprovalAnswerOutcome> {
    const pending = this.calls.get(approvalId) as PendingApproval;
    if (pending.verdict) return { applied: false, status: pending.verdict.status };
    pending.verdict = { approvalId, status: decision === 'approve' ? 'approved' : 'rejected', decidedBy, comment: comment ?? null, timedOut: false };
    await approvals.recordApprovalDecision(pending.verdict);
    pending.settled = true;
    return { applied: true, status: pending.verdict.status };
  }
}
