import { agentScheduleId, type ScheduleSpec } from '@flowmate/contracts';
import type { DataSource } from 'typeorm';
import { recordAudit } from './audit';
import { updateReturning } from './update-returning';

/** An agent's schedule as FlowMate keeps it: the record Temporal's Schedule is reconciled to. */
export interface StoredSchedule {
  agentId: string;
  userId: string;
  temporalScheduleId: string;
  spec: ScheduleSpec;
  /** Its agent is in the trash: Temporal holds the schedule paused, whatever the spec says. */
  agentTrashed: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface ScheduleRow {
  agent_id: string;
  user_id: string;
  temporal_schedule_id: string;
  spec: ScheduleSpec;
  created_at: Date;
  updated_at: Date;
  agent_trashed: boolean;
}

const toSchedule = (row: ScheduleRow): StoredSchedule => ({
  agentId: row.agent_id,
  userId: row.user_id,
  temporalScheduleId: row.temporal_schedule_id,
  spec: row.spec,
  agentTrashed: row.agent_trashed,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** How many schedules a reconciliation pass reads at a time. */
const RECONCILE_PAGE = 500;

const SELECT_SCHEDULES = `SELECT s.*, a.deleted_at IS NOT NULL AS agent_trashed FROM schedules s JOIN agents a ON a.id = s.agent_id`;

/** One schedule per agent; deleting the agent deletes its row (the Temporal Schedule is removed by the caller or the reconciler). */
export class SchedulesRepository {
  constructor(private readonly db: DataSource) {}

  /** The agent's schedule, created or replaced (never for an agent in the trash, which callers refuse). */
  async upsert(userId: string, agentId: string, spec: ScheduleSpec): Promise<StoredSchedule> {
    return this.db.transaction(async (tx) => {
      const [row] = (await tx.query(
        `INSERT INTO schedules (agent_id, user_id, temporal_schedule_id, spec) VALUES ($1, $2, $3, $4)
         ON CONFLICT (agent_id) DO UPDATE SET spec = EXCLUDED.spec, updated_at = now()
         RETURNING *, false AS agent_trashed`,
        [agentId, userId, agentScheduleId(agentId), JSON.stringify(spec)],
      )) as ScheduleRow[];
      const { input: _input, ...timing } = spec;
      await recordAudit(tx, { action: 'schedule.saved', ownerId: userId, objectType: 'schedule', objectId: agentId, details: { ...timing } });
      return toSchedule(row);
    });
  }

  async findByAgent(agentId: string): Promise<StoredSchedule | undefined> {
    const [row] = (await this.db.query(`${SELECT_SCHEDULES} WHERE s.agent_id = $1`, [agentId])) as ScheduleRow[];
    return row && toSchedule(row);
  }

  async delete(agentId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [deleted] = await updateReturning<{ user_id: string }>(tx, `DELETE FROM schedules WHERE agent_id = $1 RETURNING user_id`, [agentId]);
      if (!deleted) return false;
      await recordAudit(tx, { action: 'schedule.deleted', ownerId: deleted.user_id, objectType: 'schedule', objectId: agentId });
      return true;
    });
  }

  /** The agents of the user that have a schedule. */
  async agentIdsOf(userId: string): Promise<string[]> {
    const rows = (await this.db.query(`SELECT agent_id FROM schedules WHERE user_id = $1`, [userId])) as Array<{ agent_id: string }>;
    return rows.map((row) => row.agent_id);
  }

  /** How many schedules are stored, and how many of them fire (not paused, agent not in the trash). */
  async counts(): Promise<{ stored: number; firing: number }> {
    const [row] = (await this.db.query(
      `SELECT count(*)::int AS stored, (count(*) FILTER (WHERE NOT (s.spec->>'paused')::boolean AND a.deleted_at IS NULL))::int AS firing
         FROM schedules s JOIN agents a ON a.id = s.agent_id`,
    )) as Array<{ stored: number; firing: number }>;
    return row;
  }

  /** Every schedule, a page at a time in agent id order. */
  async *all(): AsyncGenerator<StoredSchedule> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = (await this.db.query(`${SELECT_SCHEDULES} WHERE s.agent_id > $1 ORDER BY s.agent_id LIMIT $2`, [after, RECONCILE_PAGE])) as ScheduleRow[];
      for (const row of rows) yield toSchedule(row);
      if (rows.length < RECONCILE_PAGE) return;
      after = rows[rows.length - 1].agent_id;
    }
  }
}
