import { FAILURE_TYPES, type AgentDefinition } from '@flowmate/contracts';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { AgentEntity, AgentVersionEntity } from '../entities';
import { columnValues } from './column-values';
import { pageNewestFirst, type Page, type PageRequest } from './page';
import { appendRunEvent } from './run-events';
import { updateReturning } from './update-returning';

/** Agents, and with every create and replace the version it makes, in one transaction. */
export class AgentsRepository {
  private readonly agents: Repository<AgentEntity>;

  constructor(private readonly db: DataSource) {
    this.agents = db.getRepository(AgentEntity);
  }

  create(userId: string, definition: AgentDefinition): Promise<AgentEntity> {
    return this.db.transaction(async (tx) => {
      const agents = tx.getRepository(AgentEntity);
      const agent = await agents.save(agents.create({ userId, name: definition.name, definition, version: 1 }));
      await recordVersion(tx, agent, agent.createdAt);
      return agent;
    });
  }

  /** Every agent with a GitHub trigger on this repository, named in any case as GitHub does (events are matched by the caller). */
  findWithGitHubTrigger(repository: string): Promise<AgentEntity[]> {
    return this.agents
      .createQueryBuilder('agent')
      .where(
        `EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(agent.definition->'triggers', '[]'::jsonb)) AS t(trigger)
                  WHERE t.trigger->>'type' = 'github' AND lower(t.trigger->>'repository') = lower(:repository))`,
        { repository },
      )
      .orderBy('agent.created_at', 'ASC')
      .getMany();
  }

  /** The definition a run of `version` ran, whatever the agent became since; null when the agent is gone. */
  findVersion(agentId: string, version: number): Promise<AgentVersionEntity | null> {
    return this.db.getRepository(AgentVersionEntity).findOneBy({ agentId, version });
  }

  /** Any user's agent: for work no request asked for (a schedule's fire). */
  findById(id: string): Promise<AgentEntity | null> {
    return this.agents.findOneBy({ id });
  }

  findOwnedById(userId: string, id: string): Promise<AgentEntity | null> {
    return this.agents.findOneBy({ id, userId });
  }

  /** The user's agents a delegated task may use: the given ones, or the newest `limit`. */
  listOwnedForDelegation(userId: string, ids: readonly string[] | undefined, limit: number): Promise<AgentEntity[]> {
    const query = this.agents.createQueryBuilder('agent').where('agent.user_id = :userId', { userId });
    if (ids) query.andWhere('agent.id IN (:...ids)', { ids });
    return query.orderBy('agent.created_at', 'DESC').limit(limit).getMany();
  }

  listOwned(userId: string, page: PageRequest): Promise<Page<AgentEntity>> {
    return pageNewestFirst(this.agents.createQueryBuilder('agent').where('agent.user_id = :userId', { userId }), page);
  }

  /** Replaces the definition and bumps the version in one statement, so concurrent edits never share a version. */
  replaceOwned(userId: string, id: string, definition: AgentDefinition): Promise<AgentEntity | null> {
    return this.db.transaction(async (tx) => {
      const { affected } = await tx.update(
        AgentEntity,
        { id, userId },
        columnValues<AgentEntity>({ name: definition.name, definition, version: () => 'version + 1' }),
      );
      if (!affected) return null;
      const agent = await tx.findOneByOrFail(AgentEntity, { id, userId });
      await recordVersion(tx, agent, agent.updatedAt);
      return agent;
    });
  }

  /** Deletes the agent; runs its concurrency policy still held back end `cancelled`, since nothing will start them. */
  deleteOwned(userId: string, id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const error = { type: FAILURE_TYPES.cancelled, message: 'the agent was deleted before the run started' };
      const held = await updateReturning<{ id: string }>(
        tx,
        `UPDATE agent_runs SET status = 'cancelled', held_by = NULL, error = $3, finished_at = now()
          WHERE agent_id = $1 AND user_id = $2 AND status = 'queued' AND held_by IS NOT NULL RETURNING id`,
        [id, userId, error],
      );
      for (const run of held) await appendRunEvent(tx, run.id, 'run.finished', { status: 'cancelled', error });
      const result = await tx.delete(AgentEntity, { id, userId });
      return (result.affected ?? 0) > 0;
    });
  }
}

async function recordVersion(tx: EntityManager, agent: AgentEntity, createdAt: Date): Promise<void> {
  await tx.query(`INSERT INTO agent_versions (agent_id, version, definition, created_at) VALUES ($1, $2, $3, $4)`, [
    agent.id,
    agent.version,
    JSON.stringify(agent.definition),
    createdAt,
  ]);
}
