import { FAILURE_TYPES, type ApprovalTimeoutOutcome, type ApprovalVerdict, type JsonObject, type ToolName } from '@flowmate/contracts';
import type { ApprovalsRepository, RunHistoryRepository } from '@flowmate/db';
import { redactSecrets } from './redact-secrets';
import type { SecretReader } from './secret-reader';
import { literalArgs, memoised, resolveArgs, secretsOf } from './tool-args';

export interface ApprovalDependencies {
  history: RunHistoryRepository;
  approvals: ApprovalsRepository;
  /** Resolves `{{secrets.<name>}}` so the arguments are checked; the approval shows each as its reference. */
  secrets?: SecretReader;
  /** Told once per approval stored; its failures are its own. */
  onRequested?: (request: ApprovalRequest) => Promise<void>;
}

export interface ApprovalRequest {
  approvalId: string;
  runId: string;
  microAgentKey: string;
  stepId: string;
  position: number;
  tool: ToolName;
  /** As written in the definition; absent for a call a model asked for, whose arguments its step holds. */
  args?: JsonObject;
  /** The micro agent's workflow, which the decision is sent to. */
  workflowId: string;
  timeoutSeconds: number;
  onTimeout: ApprovalTimeoutOutcome;
}

/** A paused call's request (with the arguments the person approves) and its decision, each with its status changes and event. */
export const createApprovalActivities = ({ history, approvals, secrets, onRequested }: ApprovalDependencies) => ({
  async requestApproval(request: ApprovalRequest): Promise<void> {
    const owner = memoised(() => history.runOwner(request.runId));
    const args = request.args
      ? await resolveArgs(history, request, request.args, secretsOf(secrets, owner))
      : literalArgs((await history.loadPlannedArgs(request)) as JsonObject);
    const stored = await approvals.request({ ...request, id: request.approvalId, args: redactSecrets(args.recorded) });
    if (stored) await onRequested?.(request);
  },

  async recordApprovalDecision(verdict: ApprovalVerdict): Promise<void> {
    await approvals.decide(verdict, rejectionOf(verdict));
  },
});

export type ApprovalActivities = ReturnType<typeof createApprovalActivities>;

/** What a rejected call's step shows, and, in LLM mode, what the model is told instead of a result. */
function rejectionOf({ timedOut, comment }: ApprovalVerdict): { type: string; message: string } {
  const why = timedOut ? 'nobody decided in time and the approval policy rejects on timeout' : 'a person rejected this call';
  return { type: FAILURE_TYPES.approvalRejected, message: comment ? `${why}: ${comment}` : why };
}
