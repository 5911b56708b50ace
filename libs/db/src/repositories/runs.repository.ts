import { FAILURE_TYPES, runWorkflowId, type JsonValue, type RunError, type RunStatus, type RunTrigger } from '@flowmate/contracts';
import { randomUUID } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import { AgentRunEntity } from '../entities';
import { columnValues } from './column-values';
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

  constructor(db: DataSource) {
    this.runs = db.getRepository(AgentRunEntity);
  }

  /** Inserts a queued run; with an idempotency key already used by this user, returns that run instead. */
  async createQueued(run: NewRun): Promise<{ run: AgentRunEntity; created: boolean }> {
    const id = randomUUID();
    const { raw } = await this.runs
      .createQueryBuilder()
      .insert()
      .values(
        columnValues<AgentRunEntity>({
          id,
          userId: run.userId,
          agentId: run.agentId,
          agentVersion: run.agentVersion,
          trigger: run.trigger,
          status: 'queued',
          input: run.input,
          workflowId: runWorkflowId(id),
          idempotencyKey: run.idempotencyKey ?? null,
          requestFingerprint: run.requestFingerprint ?? null,
        }),
      )
      // The id is fresh, so the one conflict possible is on the user's (user_id, idempotency_key).
      .orIgnore()
      .execute();
    const created = (raw as unknown[]).length > 0;
    if (!created && !run.idempotencyKey) throw new Error(`run ${id} was not inserted, and no idempotency key explains it`);
    // Typed finders instantiate TypeORM's where-types over the jsonb columns too deeply (TS2589).
    const stored = this.runs.createQueryBuilder('run');
    if (created) stored.where('run.id = :id', { id });
    else stored.where('run.user_id = :userId AND run.idempotency_key = :key', { userId: run.userId, key: run.idempotencyKey });
    return { run: await stored.getOneOrFail(), created };
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
    await this.runs.update({ id, status: 'queued' }, { status: 'failed', error, finishedAt: () => 'now()' });
  }

  /** Puts a run the API could not start back in the queue, for a retry with its idempotency key. */
  async requeueUnstarted(id: string): Promise<boolean> {
    const { affected } = await this.runs
      .createQueryBuilder()
      .update()
      .set({ status: 'queued', error: null, finishedAt: null })
      .where("id = :id AND status = 'failed' AND error->>'type' = :type", { id, type: FAILURE_TYPES.startFailed })
      .execute();
    return (affected ?? 0) > 0;
  }
}
