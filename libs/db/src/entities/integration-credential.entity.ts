import type { IntegrationProvider } from '@flowmate/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user's connection to a provider; the tokens live only in `ciphertext`, bound to this row's id and user. */
@Entity('integration_credentials')
export class IntegrationCredentialEntity {
  /** Derived from (user, provider): the id the ciphertext is bound to exists before the row does. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('text')
  provider!: IntegrationProvider;

  @Column('text')
  ciphertext!: string;

  @Column('text', { name: 'key_id' })
  keyId!: string;

  /** Who the token belongs to at the provider (login, e-mail, workspace), for the user to recognise. */
  @Column('text', { nullable: true })
  account!: string | null;

  @Column('text', { name: 'account_id', nullable: true })
  accountId!: string | null;

  @Column('text', { array: true, default: () => "'{}'" })
  scopes!: string[];

  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column('boolean', { name: 'needs_reauth', default: false })
  needsReauth!: boolean;

  @Column('timestamptz', { name: 'connected_at', default: () => 'now()' })
  connectedAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
