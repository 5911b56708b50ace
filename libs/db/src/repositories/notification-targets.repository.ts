import type { DataSource } from 'typeorm';

/** Where and about what a run's owner is told: the agent's `notify` of the version the run ran. */
export interface NotificationTarget {
  userId: string;
  agentName: string;
  slackChannel: string;
  /** The first micro agent of the run that failed, if one did. */
  failedMicroAgent: string | null;
}

export class NotificationTargetsRepository {
  constructor(private readonly db: DataSource) {}

  /** Undefined when the run's agent asks for no notifications (or the run has no single agent). */
  async forRun(runId: string): Promise<NotificationTarget | undefined> {
    const [row] = (await this.db.query(
      `SELECT run.user_id, version.definition->>'name' AS agent_name, version.definition->'notify'->>'slackChannel' AS slack_channel,
              (SELECT step.micro_agent_key FROM run_steps AS step
                WHERE step.run_id = run.id AND step.kind = 'micro_agent' AND step.status = 'failed'
                ORDER BY step.finished_at LIMIT 1) AS failed_micro_agent
         FROM agent_runs AS run
         JOIN agent_versions AS version ON version.agent_id = run.agent_id AND version.version = run.agent_version
        WHERE run.id = $1 AND version.definition->'notify'->>'slackChannel' IS NOT NULL`,
      [runId],
    )) as Array<{ user_id: string; agent_name: string; slack_channel: string; failed_micro_agent: string | null }>;
    return row && { userId: row.user_id, agentName: row.agent_name, slackChannel: row.slack_channel, failedMicroAgent: row.failed_micro_agent };
  }
}
