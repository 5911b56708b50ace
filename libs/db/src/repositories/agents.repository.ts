import { FAILURE_TYPES, type AgentDefinition, type JsonObject } from '@flowmate/contracts';
import { IsNull, Not, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { AgentEntity, AgentVersionEntity } from '../entities';
import { columnValues } from './column-values';
import { pageNewestFirst, type Page, type PageRequest } from './page';
import { recordAudit } from './audit';
import { appendRunEvent } from './run-events';
import { updateReturning } from './update-returning';

/** Where a new agent came from: an import is its own audit action; `details` say which template or agent. */
export interface AgentOrigin {
  imported?: boolean;
  details?: JsonObject;
}

/** One version of an agent as it was saved. */
export interface StoredVersion {
  version: number;
  definition: AgentDefinition;
  createdAt: Date;
  /** Null once that user is gone. */
  createdBy: { id: string; email: string } | null;
  restoredFrom: number | null;
}

interface VersionRow {
  version: number;
  definition: AgentDefinition;
  created_at: Date;
  created_by: string | null;
  created_by_email: string | null;
  restored_from: number | null;
}

/** Agents, and with every create and replace the version it makes, in one transaction. */
export class AgentsRepository {
  private readonly agents: Repository<AgentEntity>;

  constructor(private readonly db: DataSource) {
    this.agents = db.getRepository(AgentEntity);
  }

  /** `origin` says where it came from, for the audit log (a template, an import, a clone). */
  create(userId: string, definition: AgentDefinition, origin: AgentOrigin = {}): Promise<AgentEntity> {
    return this.db.transaction(async (tx) => {
      const agents = tx.getRepository(AgentEntity);
      const agent = await agents.save(agents.create({ userId, name: definition.name, definition, version: 1 }));
      await recordVersion(tx, agent, { createdAt: agent.createdAt, createdBy: userId });
      await recordAudit(tx, { action: origin.imported ? 'agent.imported' : 'agent.created', ownerId: userId, objectType: 'agent', objectId: agent.id, details: { name: agent.name, version: 1, ...origin.details } });
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
      // A trashed agent's triggers are inactive.
      .andWhere('agent.deleted_at IS NULL')
      .orderBy('agent.created_at', 'ASC')
      .getMany();
  }

  /** The definition a run of `version` ran, whatever the agent became since; null when the agent is gone. */
  findVersion(agentId: string, version: number): Promise<AgentVersionEntity | null> {
    return this.db.getRepository(AgentVersionEntity).findOneBy({ agentId, version });
  }

  /** Any user's agent, unless in the trash: for work no request asked for (a schedule's fire). */
  findById(id: string): Promise<AgentEntity | null> {
    return this.agents.createQueryBuilder('agent').where('agent.id = :id AND agent.deleted_at IS NULL', { id }).getOne();
  }

  /** The user's agent, in the trash too (`deletedAt` says so). */
  findOwnedById(userId: string, id: string): Promise<AgentEntity | null> {
    return this.agents.findOneBy({ id, userId });
  }

  /** Newest first, up to `limit` of them below `beforeVersion`, each with the e-mail of who saved it. */
  async listVersions(agentId: string, { limit, beforeVersion }: { limit: number; beforeVersion?: number }): Promise<StoredVersion[]> {
    const rows = (await this.db.query(
      `SELECT v.version, v.definition, v.created_at, v.created_by, u.email AS created_by_email, v.restored_from
         FROM agent_versions v LEFT JOIN users u ON u.id = v.created_by
        WHERE v.agent_id = $1 AND v.version < $2
        ORDER BY v.version DESC LIMIT $3`,
      [agentId, beforeVersion ?? 2 ** 31 - 1, limit],
    )) as VersionRow[];
    return rows.map((row) => ({
      version: row.version,
      definition: row.definition,
      createdAt: row.created_at,
      createdBy: row.created_by === null ? null : { id: row.created_by, email: row.created_by_email as string },
      restoredFrom: row.restored_from,
    }));
  }

  /** The user's agents a delegated task may use: the given ones, or the newest `limit`. */
  listOwnedForDelegation(userId: string, ids: readonly string[] | undefined, limit: number): Promise<AgentEntity[]> {
    const query = this.agents.createQueryBuilder('agent').where('agent.user_id = :userId', { userId });
    query.andWhere('agent.deleted_at IS NULL');
    if (ids) query.andWhere('agent.id IN (:...ids)', { ids });
    return query.orderBy('agent.created_at', 'DESC').limit(limit).getMany();
  }

  /** The user's agents, or with `trashed` the ones in their trash. */
  listOwned(userId: string, page: PageRequest, { trashed = false }: { trashed?: boolean } = {}): Promise<Page<AgentEntity>> {
    const query = this.agents.createQueryBuilder('agent').where('agent.user_id = :userId', { userId });
    query.andWhere(trashed ? 'agent.deleted_at IS NOT NULL' : 'agent.deleted_at IS NULL');
    return pageNewestFirst(query, page);
  }

  /**
   * Replaces the definition and bumps the version in one statement, so concurrent edits never share a
   * version; null when the agent is not the user's or is in the trash. `restoredFrom` marks a restore.
   */
  replaceOwned(userId: string, id: string, definition: AgentDefinition, { restoredFrom }: { restoredFrom?: number } = {}): Promise<AgentEntity | null> {
    return this.db.transaction(async (tx) => {
      const { affected } = await tx.update(
        AgentEntity,
        { id, userId, deletedAt: IsNull() },
        columnValues<AgentEntity>({ name: definition.name, definition, version: () => 'version + 1' }),
      );
      if (!affected) return null;
      const agent = await tx.findOneByOrFail(AgentEntity, { id, userId });
      await recordVersion(tx, agent, { createdAt: agent.updatedAt, createdBy: userId, restoredFrom });
      await recordAudit(tx, { action: 'agent.updated', ownerId: userId, objectType: 'agent', objectId: id, details: { version: agent.version, ...(restoredFrom ? { restoredFrom } : {}) } });
      return agent;
    });
  }

  /**
   * Moves the agent to the trash; runs its concurrency policy still held back end `cancelled`, since
   * nothing will start them. False when it is not the user's or already there.
   */
  trashOwned(userId: string, id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { affected } = await tx.update(AgentEntity, { id, userId, deletedAt: IsNull() }, columnValues<AgentEntity>({ deletedAt: () => 'now()' }));
      if (!affected) return false;
      const error = { type: FAILURE_TYPES.cancelled, message: 'the agent was deleted before the run started' };
      const held = await updateReturning<{ id: string }>(
        tx,
        `UPDATE agent_runs SET status = 'cancelled', held_by = NULL, error = $3, finished_at = now()
          WHERE agent_id = $1 AND user_id = $2 AND status = 'queued' AND held_by IS NOT NULL RETURNING id`,
        [id, userId, error],
      );
      for (const run of held) await appendRunEvent(tx, run.id, 'run.finished', { status: 'cancelled', error });
      await recordAudit(tx, { action: 'agent.deleted', ownerId: userId, objectType: 'agent', objectId: id });
      return true;
    });
  }

  /** Takes the agent out of the trash; null when it is not the user's or not there. */
  restoreOwned(userId: string, id: string): Promise<AgentEntity | null> {
    return this.db.transaction(async (tx) => {
      const { affected } = await tx.update(AgentEntity, { id, userId, deletedAt: Not(IsNull()) }, columnValues<AgentEntity>({ deletedAt: null }));
      if (!affected) return null;
      await recordAudit(tx, { action: 'agent.restored', ownerId: userId, objectType: 'agent', objectId: id });
      return tx.findOneByOrFail(AgentEntity, { id, userId });
    });
  }

  /** Deletes up to `limit` agents trashed before `trashedBefore`, with their versions and schedules rows; returns their ids. */
  purgeTrashed(trashedBefore: Date, limit: number): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      const purged = await updateReturning<{ id: string; user_id: string; name: string }>(
        tx,
        `DELETE FROM agents WHERE id IN (SELECT id FROM agents WHERE deleted_at < $1 ORDER BY deleted_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING id, user_id, name`,
        [trashedBefore, limit],
      );
      for (const agent of purged) {
        await recordAudit(tx, { action: 'agent.purged', ownerId: agent.user_id, actorUserId: null, objectType: 'agent', objectId: agent.id, details: { name: agent.name } });
      }
      return purged.map((row) => row.id);
    });
  }
}

interface VersionOrigin {
  createdAt: Date;
  createdBy: string;
  restoredFrom?: number;
}

async function recordVersion(tx: EntityManager, agent: AgentEntity, { createdAt, createdBy, restoredFrom }: VersionOrigin): Promise<void> {
  await tx.query(`INSERT INTO agent_versions (agent_id, version, definition, created_at, created_by, restored_from) VALUES ($1, $2, $3, $4, $5, $6)`, [
    agent.id,
    agent.version,
    JSON.stringify(agent.definition),
    createdAt,
    createdBy,
    restoredFrom ?? null,
  ]);
}
