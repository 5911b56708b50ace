import type { DataSource } from 'typeorm';

export interface IssuedRefreshToken {
  userId: string;
  familyId: string;
}

/** Magic links and refresh tokens, stored only as SHA-256 hashes. */
export class AuthTokensRepository {
  constructor(private readonly db: DataSource) {}

  async createMagicLink(userId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.db.query(`INSERT INTO magic_links (user_id, token_hash, expires_at) VALUES ($1, $2, $3)`, [userId, tokenHash, expiresAt]);
  }

  /** Marks the link used and returns its user, or null when unknown, used or expired. Single use even under races. */
  async consumeMagicLink(tokenHash: string): Promise<string | null> {
    const [rows] = (await this.db.query(
      `UPDATE magic_links SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id`,
      [tokenHash],
    )) as [Array<{ user_id: string }>, number];
    return rows[0]?.user_id ?? null;
  }

  async createRefreshToken(userId: string, familyId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`,
      [userId, familyId, tokenHash, expiresAt],
    );
  }

  /** Revokes an active token so it can be exchanged once; null when it was not active. */
  async revokeActiveRefreshToken(tokenHash: string): Promise<IssuedRefreshToken | null> {
    const [rows] = (await this.db.query(
      `UPDATE refresh_tokens SET revoked_at = now()
        WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()
        RETURNING user_id, family_id`,
      [tokenHash],
    )) as [Array<{ user_id: string; family_id: string }>, number];
    return rows[0] ? { userId: rows[0].user_id, familyId: rows[0].family_id } : null;
  }

  /** The family of a token, optionally only when it belongs to `userId`. */
  async findRefreshTokenFamily(tokenHash: string, userId?: string): Promise<string | null> {
    const rows = (await this.db.query(
      `SELECT family_id FROM refresh_tokens WHERE token_hash = $1 AND ($2::uuid IS NULL OR user_id = $2::uuid)`,
      [tokenHash, userId ?? null],
    )) as Array<{ family_id: string }>;
    return rows[0]?.family_id ?? null;
  }

  async revokeRefreshFamily(familyId: string): Promise<void> {
    await this.db.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [familyId]);
  }
}
