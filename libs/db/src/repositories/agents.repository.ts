import type { AgentDefinition } from '@flowmate/contracts';
import type { DataSource, Repository } from 'typeorm';
import { AgentEntity } from '../entities';
import { columnValues } from './column-values';
import { pageNewestFirst, type Page, type PageRequest } from './page';

export class AgentsRepository {
  private readonly agents: Repository<AgentEntity>;

  constructor(db: DataSource) {
    this.agents = db.getRepository(AgentEntity);
  }

  create(userId: string, definition: AgentDefinition): Promise<AgentEntity> {
    return this.agents.save(this.agents.create({ userId, name: definition.name, definition, version: 1 }));
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
  async replaceOwned(userId: string, id: string, definition: AgentDefinition): Promise<AgentEntity | null> {
    const { affected } = await this.agents.update(
      { id, userId },
      columnValues<AgentEntity>({ name: definition.name, definition, version: () => 'version + 1' }),
    );
    return affected ? this.findOwnedById(userId, id) : null;
  }

  async deleteOwned(userId: string, id: string): Promise<boolean> {
    const result = await this.agents.delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }
}
