import type { DataSource, Repository } from 'typeorm';
import { UserEntity } from '../entities';
import { recordAudit } from './audit';

export class UsersRepository {
  private readonly users: Repository<UserEntity>;

  constructor(db: DataSource) {
    this.users = db.getRepository(UserEntity);
  }

  async findOrCreateByEmail(email: string): Promise<UserEntity> {
    await this.users.createQueryBuilder().insert().values({ email }).orIgnore().execute();
    return this.users.findOneByOrFail({ email });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** What authorising a request needs to know of its user; null once the account is deleted. */
  findIdentity(id: string): Promise<Pick<UserEntity, 'id' | 'email' | 'tier' | 'role'> | null> {
    return this.users.findOne({ select: { id: true, email: true, tier: true, role: true }, where: { id } });
  }

  /**
   * Deletes the user and, by cascade, everything of theirs: agents with their versions and schedules,
   * runs with their steps, outputs, events and approvals, connections, secrets, refresh tokens (signed out
   * everywhere). Their audit events go too; one tombstone with their id, and nothing personal, stays.
   */
  deleteWithTombstone(id: string): Promise<boolean> {
    return this.users.manager.transaction(async (tx) => {
      const { affected } = await tx.delete(UserEntity, { id });
      if (!affected) return false;
      await tx.query(`DELETE FROM audit_events WHERE owner_id = $1`, [id]);
      await recordAudit(tx, { action: 'user.deleted', ownerId: id, actorUserId: id, objectType: 'user', objectId: id });
      return true;
    });
  }
}
