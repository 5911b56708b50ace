import { workflowUiUrl, type RunError, type ToolName } from '@flowmate/contracts';
import type { NotificationTargetsRepository } from '@flowmate/db';
import type { CredentialVault } from './credential-vault';
import type { ToolExecutor } from './tools/tool-executor';

/** Long enough for Slack, short enough that a hung notification never holds the activity that sends it. */
const POST_TIMEOUT_MS = 10_000;

export interface RunNotifierDependencies {
  targets: NotificationTargetsRepository;
  vault: CredentialVault;
  /** The `slack.postMessage` tool: the owner's own Slack connection posts. */
  postToSlack: ToolExecutor;
  /** The run's workflow in the Temporal Web UI. */
  temporalUi: { url: string; namespace: string };
  warn: (message: string, facts: Record<string, unknown>) => void;
}

/**
 * Tells an agent's owner, in the Slack channel its `notify` names, that a run waits for approval or
 * failed. The message names the run, the micro agent, the tool or error type, with a link; never arguments
 * or outputs, which may hold what the channel should not see. A notification that fails is logged and
 * never fails the run.
 */
export class RunNotifier {
  constructor(private readonly deps: RunNotifierDependencies) {}

  async approvalRequested(runId: string, { microAgentKey, stepId, tool }: { microAgentKey: string; stepId: string; tool: ToolName }): Promise<void> {
    await this.notify(runId, `approval:${microAgentKey}/${stepId}`, (agent) =>
      `Run ${runId} of "${agent}" waits for your approval: micro agent "${microAgentKey}" wants to call ${tool}.`,
    );
  }

  async runFailed(runId: string, error: RunError | null): Promise<void> {
    await this.notify(runId, 'failed', (agent, failedMicroAgent) =>
      `Run ${runId} of "${agent}" failed${failedMicroAgent ? ` in micro agent "${failedMicroAgent}"` : ''}: ${error?.type ?? 'Error'}.`,
    );
  }

  private async notify(runId: string, about: string, message: (agentName: string, failedMicroAgent: string | null) => string): Promise<void> {
    try {
      const target = await this.deps.targets.forRun(runId);
      if (!target) return;
      const connection = await this.deps.vault.connection(target.userId, 'slack');
      const link = workflowUiUrl(this.deps.temporalUi.url, this.deps.temporalUi.namespace, `run-${runId}`);
      await this.deps.postToSlack(
        { channel: target.slackChannel, text: `${message(target.agentName, target.failedMicroAgent)} ${link}` },
        { signal: AbortSignal.timeout(POST_TIMEOUT_MS), idempotencyKey: `${runId}:notify:${about}`, connection, onModelCalls: () => undefined },
      );
    } catch (error) {
      this.deps.warn('could not notify the run owner', { runId, about, error: (error as Error).message });
    }
  }
}
