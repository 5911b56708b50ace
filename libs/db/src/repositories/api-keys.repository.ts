import type { DataSource, Repository } from 'typeorm';
import { ApiKeyEntity, type UserEntity } from '../entities';
import { recordAudit } from './audit';

export interface NewApiKey {
  name: string;
  keyHash: string;
  keyPrefix: string;
  expiresAt: Date | null;
}

/** Who an API key acts for, as the guard needs it on every request it authenticates. */
export interface ApiKeyHolder {
  apiKeyId: string;
  user: Pick<UserEntity, 'id' | 'email' | 'tier' | 'role'>;
}

interface HolderRow {
  api_key_id: string;
  id: string;
  email: string;
  tier: UserEntity['tier'];
  role: UserEntity['role'];
}

/** Personal API keys, stored only as SHA-256 hashes. */
export class ApiKeysRepository {
  private readonly keys: Repository<ApiKeyEntity>;

  constructor(private readonly db: DataSource) {
    this.keys = db.getRepository(ApiKeyEntity);
  }

  async create(userId: string, key: NewApiKey): Promise<ApiKeyEntity> {
    return this.db.transaction(async (tx) => {
      const keys = tx.getRepository(ApiKeyEntity);
      const { identifiers } = await keys.insert({ userId, ...key });
      const created = await keys.findOneByOrFail({ id: identifiers[0].id as string });
      await recordAudit(tx, { action: 'api_key.created', ownerId: userId, objectType: 'api_key', objectId: created.id, details: { name: key.name } });
      return created;
    });
  }

  /** The user's keys that are not revoked, newest first; expired ones stay listed until revoked. */
  list(userId: string): Promise<ApiKeyEntity[]> {
    return this.keys.createQueryBuilder('key').where('key.user_id = :userId AND key.revoked_at IS NULL', { userId }).orderBy('key.created_at', 'DESC').getMany();
  }

  /** False when the user has no such key, or it is already revoked. */
  async revoke(userId: string, id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { affected } = await tx
        .getRepository(ApiKeyEntity)
        .createQueryBuilder()
        .update()
        .set({ revokedAt: () => 'now()' })
        .where('id = :id AND user_id = :userId AND revoked_at IS NULL', { id, userId })
        .execute();
      if (!affected) return false;
      await recordAudit(tx, { action: 'api_key.revoked', ownerId: userId, objectType: 'api_key', objectId: id });
      return true;
    });
  }

  /**
   * The holder of an active (unrevoked, unexpired) key, in one round trip; it also records when the key
   * was last used, at most once a minute so a busy key does not write on every request.
   */
  async findHolder(keyHash: string): Promise<ApiKeyHolder | null> {
    const rows = (await this.db.query(
      `WITH key AS (
         SELECT id, user_id, last_used_at FROM api_keys
          WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
       ), touched AS (
         UPDATE api_keys SET last_used_at = now()
          WHERE id IN (SELECT id FROM key WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
       )
       SELECT key.id AS api_key_id, u.id, u.email, u.tier, u.role FROM key JOIN users u ON u.id = key.user_id`,
      [keyHash],
    )) as HolderRow[];
    const [row] = rows;
    return row ? { apiKeyId: row.api_key_id, user: { id: row.id, email: row.email, tier: row.tier, role: row.role } } : null;
  }
}
