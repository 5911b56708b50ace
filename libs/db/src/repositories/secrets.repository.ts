import { In, type DataSource, type Repository } from 'typeorm';
import { UserSecretEntity } from '../entities';
import { recordAudit } from './audit';
import { columnValues } from './column-values';
import { derivedRowId, type Seal, type Sealed } from './sealed-row';

/** Users' secrets for `{{secrets.<name>}}`. Ciphertext in, ciphertext out: encryption is the caller's. */
export class SecretsRepository {
  private readonly secrets: Repository<UserSecretEntity>;

  constructor(db: DataSource) {
    this.secrets = db.getRepository(UserSecretEntity);
  }

  static rowIdOf(userId: string, name: string): string {
    return derivedRowId('secret', userId, name);
  }

  async save(userId: string, name: string, seal: Seal): Promise<UserSecretEntity> {
    const id = SecretsRepository.rowIdOf(userId, name);
    return this.secrets.manager.transaction(async (tx) => {
      const secrets = tx.getRepository(UserSecretEntity);
      await secrets
        .createQueryBuilder()
        .insert()
        .values(columnValues<UserSecretEntity>({ id, userId, name, ...seal(id) }))
        .orUpdate(['ciphertext', 'key_id', 'updated_at'], ['id'])
        .execute();
      await recordAudit(tx, { action: 'secret.stored', ownerId: userId, objectType: 'secret', objectId: name });
      return secrets.findOneByOrFail({ id });
    });
  }

  list(userId: string): Promise<UserSecretEntity[]> {
    return this.secrets.find({ where: { userId }, order: { name: 'ASC' } });
  }

  findNamed(userId: string, names: readonly string[]): Promise<UserSecretEntity[]> {
    return names.length === 0 ? Promise.resolve([]) : this.secrets.findBy({ userId, name: In([...names]) });
  }

  async remove(userId: string, name: string): Promise<boolean> {
    return this.secrets.manager.transaction(async (tx) => {
      const { affected } = await tx.delete(UserSecretEntity, { userId, name });
      if (!affected) return false;
      await recordAudit(tx, { action: 'secret.removed', ownerId: userId, objectType: 'secret', objectId: name });
      return true;
    });
  }

  listNotUnderKey(currentKeyId: string, limit: number): Promise<UserSecretEntity[]> {
    return this.secrets.createQueryBuilder('secret').where('secret.key_id <> :currentKeyId', { currentKeyId }).orderBy('secret.id').limit(limit).getMany();
  }

  async rewrap(id: string, from: Sealed, to: Sealed): Promise<boolean> {
    const { affected } = await this.secrets.update({ id, ciphertext: from.ciphertext }, { ciphertext: to.ciphertext, keyId: to.keyId });
    return (affected ?? 0) > 0;
  }
}
