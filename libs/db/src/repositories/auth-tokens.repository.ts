import { IsNull, type DataSource, type Repository } from 'typeorm';
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

  /** Revokes an active token so it can be exchanged once; null when it was not active. */
  async revokeActiveRefreshToken(tokenHash: string): Promise<IssuedRefreshToken | null> {
    const { raw } = await this.refreshTokens
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('token_hash = :tokenHash AND revoked_at IS NULL AND expires_at > now()', { tokenHash })
      .returning(['userId', 'familyId'])
      .execute();
    const [revoked] = raw as Array<{ user_id: string; family_id: string }>;
    return revoked ? { userId: revoked.user_id, familyId: revoked.family_id } : null;
  }

  /** The family of a token, optionally only when it belongs to `userId`. */
  async findRefreshTokenFamily(tokenHash: string, userId?: string): Promise<string | null> {
    const token = await this.refreshTokens.findOne({ select: { familyId: true }, where: { tokenHash, ...(userId ? { userId } : {}) } });
    return token?.familyId ?? null;
  }

  async revokeRefreshFamily(familyId: string): Promise<void> {
    await this.refreshTokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
  }
}
