import { IsNull, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { MagicLinkEntity, RefreshTokenEntity } from '../entities';
import { recordAudit } from './audit';

export interface IssuedRefreshToken {
  userId: string;
  familyId: string;
}

/** Magic links and refresh tokens, stored only as SHA-256 hashes. */
export class AuthTokensRepository {
  private readonly magicLinks: Repository<MagicLinkEntity>;
  private readonly refreshTokens: Repository<RefreshTokenEntity>;

  constructor(db: DataSource) {
    this.magicLinks = db.getRepository(MagicLinkEntity);
    this.refreshTokens = db.getRepository(RefreshTokenEntity);
  }

  async createMagicLink(userId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.magicLinks.insert({ userId, tokenHash, expiresAt });
  }

  /** Marks the link used and returns its user, or null when unknown, used or expired. Single use even under races. */
  async consumeMagicLink(tokenHash: string): Promise<string | null> {
    return this.magicLinks.manager.transaction(async (tx) => {
      const { raw } = await tx
        .getRepository(MagicLinkEntity)
        .createQueryBuilder()
        .update()
        .set({ usedAt: () => 'now()' })
        .where('token_hash = :tokenHash AND used_at IS NULL AND expires_at > now()', { tokenHash })
        .returning(['userId'])
        .execute();
      const userId = (raw as Array<{ user_id: string }>)[0]?.user_id;
      if (!userId) return null;
      await recordAudit(tx, { action: 'user.signed_in', ownerId: userId, actorUserId: userId, objectType: 'user', objectId: userId, details: { method: 'magic_link' } });
      return userId;
    });
  }

  async createRefreshToken(userId: string, familyId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.refreshTokens.insert({ userId, familyId, tokenHash, expiresAt });
  }

  /**
   * Exchanges an active refresh token for `next`, of the same family; null when the token is unknown, expired
   * or spent. A spent one is a reuse: its whole family is revoked. Both hold the family's lock, so a reuse
   * also revokes a token the winner of a race issued in the same instant.
   */
  async rotateRefreshToken(presentedHash: string, next: { tokenHash: string; expiresAt: Date }): Promise<IssuedRefreshToken | null> {
    return this.refreshTokens.manager.transaction(async (tx) => {
      const tokens = tx.getRepository(RefreshTokenEntity);
      const presented = await tokens.findOne({ select: { familyId: true, userId: true }, where: { tokenHash: presentedHash } });
      if (!presented) return null;
      const { familyId, userId } = presented;
      await lockFamily(tx, familyId);
      const { affected } = await tokens
        .createQueryBuilder()
        .update()
        .set({ revokedAt: () => 'now()' })
        .where('token_hash = :presentedHash AND revoked_at IS NULL AND expires_at > now()', { presentedHash })
        .execute();
      if (affected === 0) {
        await revokeFamily(tx, familyId);
        return null;
      }
      await tokens.insert({ userId, familyId, tokenHash: next.tokenHash, expiresAt: next.expiresAt });
      return { userId, familyId };
    });
  }

  /** Revokes the session the token belongs to, when it belongs to `userId`; false when it does not. */
  async revokeFamilyOf(tokenHash: string, userId: string): Promise<boolean> {
    return this.refreshTokens.manager.transaction(async (tx) => {
      const token = await tx.getRepository(RefreshTokenEntity).findOne({ select: { familyId: true }, where: { tokenHash, userId } });
      if (!token) return false;
      await lockFamily(tx, token.familyId);
      await revokeFamily(tx, token.familyId);
      return true;
    });
  }
}

/** Serialises every change to one family: a rotation and a reuse cannot interleave. */
async function lockFamily(tx: EntityManager, familyId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('refresh-family:' || $1, 0))`, [familyId]);
}

async function revokeFamily(tx: EntityManager, familyId: string): Promise<void> {
  await tx.getRepository(RefreshTokenEntity).update({ familyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
}
