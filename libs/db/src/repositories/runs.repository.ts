import { FAILURE_TYPES, runWorkflowId, type JsonValue, type RunError, type RunStatus, type RunTrigger } from '@flowmate/contracts';
import { randomUUID } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import { AgentRunEntity } from '../entities';
import { pageNewestFirst, type Page, type PageRequest } from './page';

export interface NewRun {
  userId: string;
  agentId: string;
  agentVersion: number;
  trigger: RunTrigger;
  input: JsonValue;
  idempotencyKey?: string;
  requestFingerprint?: string;
}

const SUMMARY_COLUMNS = ['id', 'userId', 'agentId', 'agentVersion', 'trigger', 'status', 'workflowId', 'error', 'createdAt', 'startedAt', 'finishedAt'] as const;
export type AgentRunSummary = Pick<AgentRunEntity, (typeof SUMMARY_COLUMNS)[number]>;

export interface RunFilter {
  agentId?: string;
  status?: RunStatus;
}

export class RunsRepository {
  private readonly runs: Repository<AgentRunEntity>;

  constructor(private readonly db: DataSource) {
    this.runs = db.getRepository(AgentRunEntity);
  }

  /** Inserts a queued run; with an idempotency key already used by this user, returns that run instead. */
  async createQueued(run: NewRun): Promise<{ run: AgentRunEntity; created: boolean }> {
    const id = randomUUID();
    const inserted = (await this.db.query(
      `INSERT INTO agent_runs (id, user_id, agent_id, agent_version, trigger, status, input, workflow_id, idempotency_key, request_fingerprint)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $9)
       ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        id,
        run.userId,
        run.agentId,
        run.agentVersion,
        run.trigger,
        JSON.stringify(run.input),
        runWorkflowId(id),
        run.idempotencyKey ?? null,
        run.requestFingerprint ?? null,
      ],
    )) as Array<{ id: string }>;
    if (inserted.length > 0) return { run: await this.runs.createQueryBuilder('run').where('run.id = :id', { id }).getOneOrFail(), created: true };
    const existing = await this.runs
      .createQueryBuilder('run')
      .where('run.user_id = :userId AND run.idempotency_key = :key', { userId: run.userId, key: run.idempotencyKey })
      .getOneOrFail();
    return { run: existing, created: false };
  }

  /** The run with its micro-agent and tool-step rows, each in definition order. */
  findOwnedById(userId: string, id: string): Promise<AgentRunEntity | null> {
    return this.runs
      .createQueryBuilder('run')
      .leftJoinAndSelect('run.steps', 'step')
      .where('run.id = :id AND run.user_id = :userId', { id, userId })
      .orderBy('step.kind', 'ASC')
      .addOrderBy('step.position', 'ASC')
      .getOne();
  }

  /** Summaries: input and output, which may be large, are left out. */
  listOwned(userId: string, filter: RunFilter, page: PageRequest): Promise<Page<AgentRunSummary>> {
    const query = this.runs
      .createQueryBuilder('run')
      .select(SUMMARY_COLUMNS.map((column) => `run.${column}`))
      .where('run.user_id = :userId', { userId });
    if (filter.agentId) query.andWhere('run.agent_id = :agentId', { agentId: filter.agentId });
    if (filter.status) query.andWhere('run.status = :status', { status: filter.status });
    return pageNewestFirst(query, page);
  }

  /** Only a run still queued: the workflow may have reported in meanwhile, and its word wins. */
  async markStartFailed(id: string, error: RunError): Promise<void> {
    await this.db.query(`UPDATE agent_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'queued'`, [id, error]);
  }

  /** Puts a run the API could not start back in the queue, for a retry with its idempotency key. */
  async requeueUnstarted(id: string): Promise<boolean> {
    const [rows] = (await this.db.query(
      `UPDATE agent_runs SET status = 'queued', error = NULL, finished_at = NULL
        WHERE id = $1 AND status = 'failed' AND error->>'type' = $2 RETURNING id`,
      [id, FAILURE_TYPES.startFailed],
    )) as [Array<{ id: string }>, number];
    return rows.length > 0;
  }
}
