import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A value a definition names as `{{secrets.<name>}}`; stored only encrypted, bound to this row's id and user. */
@Entity('user_secrets')
export class UserSecretEntity {
  /** Derived from (user, name), like a credential's. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('text')
  name!: string;

  @Column('text')
  ciphertext!: string;

  @Column('text', { name: 'key_id' })
  keyId!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
