import type { IntegrationProvider } from '@flowmate/contracts';
import type { DataSource, Repository } from 'typeorm';
import { OAuthStateEntity } from '../entities';

/** OAuth connects in flight, by the hash of their `state`. */
export class OAuthStatesRepository {
  private readonly states: Repository<OAuthStateEntity>;

  constructor(db: DataSource) {
    this.states = db.getRepository(OAuthStateEntity);
  }

  async create(userId: string, provider: IntegrationProvider, stateHash: string, expiresAt: Date): Promise<void> {
    await this.states.insert({ userId, provider, stateHash, expiresAt });
  }

  /** Marks the state used and returns whose it was; null when unknown, used, expired or for another provider. Single use under races. */
  async consume(stateHash: string, provider: IntegrationProvider): Promise<{ userId: string } | null> {
    const { raw } = await this.states
      .createQueryBuilder()
      .update()
      .set({ usedAt: () => 'now()' })
      .where('state_hash = :stateHash AND provider = :provider AND used_at IS NULL AND expires_at > now()', { stateHash, provider })
      .returning(['userId'])
      .execute();
    const [state] = raw as Array<{ user_id: string }>;
    return state ? { userId: state.user_id } : null;
  }
}
