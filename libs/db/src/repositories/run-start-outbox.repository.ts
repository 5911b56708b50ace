import type { MainAgentInput, RunTrigger } from '@flowmate/contracts';
import type { RunTarget, RunToStart } from '@flowmate/contracts/run-start';
import type { DataSource, EntityManager } from 'typeorm';
import { updateReturning } from './update-returning';

/** A run waiting to be handed to Temporal, with what its start needs. */
export interface PendingStart {
  run: RunToStart;
  target: RunTarget;
  /** Failed tries so far. */
  attempts: number;
}

/** What one try to start a pending run came to; `untried` leaves it due as it was. */
export type StartAttempt = 'started' | 'untried' | { failed: string; retryInMs: number };

export interface OutboxBacklog {
  pending: number;
  /** Age of the oldest pending start; 0 when none waits. */
  oldestSeconds: number;
}

interface PendingRow {
  run_id: string;
  target: RunTarget;
  attempts: number;
  user_id: string;
  agent_version: number | null;
  trigger: RunTrigger;
  workflow_id: string;
  reuse: MainAgentInput['reuse'] | null;
  status: string;
}

/** Only what a start reads: an agent entity's timestamps and owner would not survive JSON anyway. */
function storedTarget(target: RunTarget): RunTarget {
  if ('delegation' in target) return { delegation: target.delegation };
  const { id, name, version, definition } = target.agent;
  return { agent: { id, name, version, definition } };
}

/** Queues a run's start in the transaction that stores the run, so the two commit (or not) together. */
export async function enqueueRunStart(tx: Pick<EntityManager, 'query'>, runId: string, target: RunTarget): Promise<void> {
  await tx.query(`INSERT INTO run_start_outbox (run_id, target) VALUES ($1, $2)`, [runId, storedTarget(target)]);
}

/**
 * The transactional outbox of run starts. Any number of API replicas drain it at once: each due row is
 * locked by the one starting it (`FOR UPDATE SKIP LOCKED`), and the workflow id makes a start repeated
 * after a crash harmless.
 */
export class RunStartOutboxRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Hands each due start (at most `limit`; with `runId`, only that run's) to `start`, its row locked
   * meanwhile: a started one leaves the outbox, a failed one waits `retryInMs`. A run no longer queued (it
   * was cancelled before it started) leaves without a start. Returns how many rows it took.
   */
  async startDue({ limit, runId }: { limit: number; runId?: string }, start: (pending: PendingStart) => Promise<StartAttempt>): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = (await tx.query(
        `SELECT o.run_id, o.target, o.attempts, r.user_id, r.agent_version, r.trigger, r.workflow_id, r.reuse, r.status
           FROM run_start_outbox o JOIN agent_runs r ON r.id = o.run_id
          WHERE o.next_attempt_at <= now() AND ($2::uuid IS NULL OR o.run_id = $2)
          ORDER BY o.next_attempt_at
          LIMIT $1
          FOR UPDATE OF o SKIP LOCKED`,
        [limit, runId ?? null],
      )) as PendingRow[];
      for (const row of rows) {
        const attempt: StartAttempt = row.status === 'queued' ? await start(pendingOf(row)) : 'started';
        if (attempt === 'untried') continue;
        if (attempt === 'started') await tx.query(`DELETE FROM run_start_outbox WHERE run_id = $1`, [row.run_id]);
        else {
          await tx.query(
            `UPDATE run_start_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE run_id = $1`,
            [row.run_id, attempt.failed, attempt.retryInMs / 1000],
          );
        }
      }
      return rows.length;
    });
  }

  /** Takes a run's start out before it happened; false when it is not pending (started, or being started now). */
  async discard(runId: string): Promise<boolean> {
    return (await updateReturning(this.db.manager, `DELETE FROM run_start_outbox WHERE run_id = $1 RETURNING run_id`, [runId])).length > 0;
  }

  async backlog(): Promise<OutboxBacklog> {
    const [row] = (await this.db.query(
      `SELECT count(*)::int AS pending, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS "oldestSeconds" FROM run_start_outbox`,
    )) as OutboxBacklog[];
    return row;
  }
}

function pendingOf(row: PendingRow): PendingStart {
  return {
    run: { id: row.run_id, userId: row.user_id, agentVersion: row.agent_version, trigger: row.trigger, workflowId: row.workflow_id, reuse: row.reuse },
    target: row.target,
    attempts: row.attempts,
  };
}
