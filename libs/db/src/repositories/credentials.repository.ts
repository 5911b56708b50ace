import type { IntegrationProvider } from '@flowmate/contracts';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { IntegrationCredentialEntity } from '../entities';
import { recordAudit } from './audit';
import { columnValues } from './column-values';
import { derivedRowId, type Seal, type Sealed } from './sealed-row';

export interface ConnectionFields {
  account: string | null;
  accountId: string | null;
  scopes: string[];
  expiresAt: Date | null;
}

/** Inside `withLockedConnection`: rewrite the row the lock holds. */
export type ConnectionUpdate = (change: Partial<Sealed & Pick<ConnectionFields, 'expiresAt'>> & { needsReauth?: boolean }) => Promise<void>;

/** Users' provider connections. Ciphertext in, ciphertext out: encryption is the caller's (libs/crypto). */
export class CredentialsRepository {
  private readonly credentials: Repository<IntegrationCredentialEntity>;

  constructor(private readonly db: DataSource) {
    this.credentials = db.getRepository(IntegrationCredentialEntity);
  }

  static rowIdOf(userId: string, provider: IntegrationProvider): string {
    return derivedRowId('integration', userId, provider);
  }

  /** Connects (or reconnects) a provider: a new token clears `needsReauth`. */
  async save(userId: string, provider: IntegrationProvider, seal: Seal, fields: ConnectionFields): Promise<IntegrationCredentialEntity> {
    const id = CredentialsRepository.rowIdOf(userId, provider);
    return this.db.transaction(async (tx: EntityManager) => {
      const credentials = tx.getRepository(IntegrationCredentialEntity);
      await credentials
        .createQueryBuilder()
        .insert()
        .values(columnValues<IntegrationCredentialEntity>({ id, userId, provider, ...seal(id), ...fields, needsReauth: false }))
        .orUpdate(['ciphertext', 'key_id', 'account', 'account_id', 'scopes', 'expires_at', 'needs_reauth', 'updated_at'], ['id'])
        .execute();
      await recordAudit(tx, { action: 'integration.connected', ownerId: userId, objectType: 'integration', objectId: provider, details: { account: fields.account } });
      return credentials.findOneByOrFail({ id });
    });
  }

  find(userId: string, provider: IntegrationProvider): Promise<IntegrationCredentialEntity | null> {
    return this.credentials.findOneBy({ userId, provider });
  }

  list(userId: string): Promise<IntegrationCredentialEntity[]> {
    return this.credentials.find({ where: { userId }, order: { provider: 'ASC' } });
  }

  async remove(userId: string, provider: IntegrationProvider): Promise<boolean> {
    return this.db.transaction(async (tx: EntityManager) => {
      const { affected } = await tx.delete(IntegrationCredentialEntity, { userId, provider });
      if (!affected) return false;
      await recordAudit(tx, { action: 'integration.removed', ownerId: userId, objectType: 'integration', objectId: provider });
      return true;
    });
  }

  /**
   * Runs `work` holding the row's lock, so of several callers that find a token about to expire only the first
   * refreshes it; the others wait and read the refreshed row. Undefined row when the connection is gone.
   */
  withLockedConnection<T>(userId: string, provider: IntegrationProvider, work: (row: IntegrationCredentialEntity | null, update: ConnectionUpdate) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx: EntityManager) => {
      const repository = tx.getRepository(IntegrationCredentialEntity);
      const row = await repository.findOne({ where: { userId, provider }, lock: { mode: 'pessimistic_write' } });
      const update: ConnectionUpdate = async (change) => {
        if (row) await repository.update({ id: row.id }, columnValues<IntegrationCredentialEntity>({ ...change, updatedAt: () => 'now()' }));
      };
      return work(row, update);
    });
  }

  /** Every connection under a key other than `currentKeyId`, a batch at a time, for rotation. */
  listNotUnderKey(currentKeyId: string, limit: number): Promise<IntegrationCredentialEntity[]> {
    return this.credentials.createQueryBuilder('credential').where('credential.key_id <> :currentKeyId', { currentKeyId }).orderBy('credential.id').limit(limit).getMany();
  }

  async rewrap(id: string, from: Sealed, to: Sealed): Promise<boolean> {
    const { affected } = await this.credentials.update({ id, ciphertext: from.ciphertext }, { ciphertext: to.ciphertext, keyId: to.keyId });
    return (affected ?? 0) > 0;
  }
}
