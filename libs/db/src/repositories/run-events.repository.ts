import { FINAL_RUN_EVENT, type JsonValue, type RunEventType } from '@flowmate/contracts';
import type { DataSource } from 'typeorm';

/**
 * One event of a run's log; `id` is a bigserial, carried as a string so it never loses precision (and
 * ordered by the column, not by that string).
 */
export interface StoredRunEvent {
  id: string;
  type: RunEventType;
  data: JsonValue;
}

/** The read side of `run_events`: what the SSE stream pages through, at its reader's pace. */
export class RunEventsRepository {
  constructor(private readonly db: DataSource) {}

  async listAfter(runId: string, afterId: string, limit: number): Promise<StoredRunEvent[]> {
    return (await this.db.query(`SELECT id::text AS id, type, data FROM run_events WHERE run_id = $1 AND id > $2::bigint ORDER BY run_events.id LIMIT $3`, [
      runId,
      afterId,
      limit,
    ])) as StoredRunEvent[];
  }

  /** The id of the run's final event, once it has one; read backwards, as it ends the log. */
  async finalEventId(runId: string): Promise<string | null> {
    const [row] = (await this.db.query(`SELECT id::text AS id FROM run_events WHERE run_id = $1 AND type = $2 ORDER BY run_events.id DESC LIMIT 1`, [runId, FINAL_RUN_EVENT])) as Array<{
      id: string;
    }>;
    return row?.id ?? null;
  }
}
