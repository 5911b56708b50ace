import type { AgentDefinition } from '@flowmate/contracts';
import type { DataSource, Repository } from 'typeorm';
import { AgentEntity } from '../entities';
import { pageNewestFirst, type Page, type PageRequest } from './page';

export class AgentsRepository {
  private readonly agents: Repository<AgentEntity>;

  constructor(private readonly db: DataSource) {
    this.agents = db.getRepository(AgentEntity);
  }

  create(userId: string, definition: AgentDefinition): Promise<AgentEntity> {
    return this.agents.save(this.agents.create({ userId, name: definition.name, definition, version: 1 }));
  }

  findOwnedById(userId: string, id: string): Promise<AgentEntity | null> {
    return this.agents.findOneBy({ id, userId });
  }

  listOwned(userId: string, page: PageRequest): Promise<Page<AgentEntity>> {
    return pageNewestFirst(this.agents.createQueryBuilder('agent').where('agent.user_id = :userId', { userId }), page);
  }

  /** Replaces the definition and bumps the version in one statement, so concurrent edits never share a version. */
  async replaceOwned(userId: string, id: string, definition: AgentDefinition): Promise<AgentEntity | null> {
    const [rows] = (await this.db.query(
      `UPDATE agents SET name = $3, definition = $4, version = version + 1, updated_at = now()
        WHERE id = $1 AND user_id = $2 RETURNING id`,
      [id, userId, definition.name, JSON.stringify(definition)],
    )) as [Array<{ id: string }>, number];
    return rows.length > 0 ? this.findOwnedById(userId, id) : null;
  }

  async deleteOwned(userId: string, id: string): Promise<boolean> {
    const result = await this.agents.delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }
}
