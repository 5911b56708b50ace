import type { AgentDefinition } from '@flowmate/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Every definition an agent has had: written by each create and replace, read by reruns. */
@Entity('agent_versions')
export class AgentVersionEntity {
  @PrimaryColumn('uuid', { name: 'agent_id' })
  agentId!: string;

  @PrimaryColumn('int')
  version!: number;

  @Column('jsonb')
  definition!: AgentDefinition;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  /** The user who saved it; null once that user is gone. */
  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy!: string | null;

  /** A restore: the version it copied. */
  @Column('int', { name: 'restored_from', nullable: true })
  restoredFrom!: number | null;
}
