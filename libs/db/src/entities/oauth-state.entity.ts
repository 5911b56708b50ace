import type { IntegrationProvider } from '@flowmate/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An OAuth connect in flight: its `state` (stored hashed) names the user the callback connects. */
@Entity('oauth_states')
export class OAuthStateEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('text')
  provider!: IntegrationProvider;

  @Column('text', { name: 'state_hash', unique: true })
  stateHash!: string;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt!: Date | null;
}
