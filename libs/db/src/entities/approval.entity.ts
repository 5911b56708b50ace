import type { ApprovalStatus, ApprovalTimeoutOutcome, JsonValue, ToolName } from '@flowmate/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A tool call paused until a person approves or rejects it, or its timeout decides. */
@Entity('approvals')
export class ApprovalEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'run_id' })
  runId!: string;

  /** The run's owner: the one person who may decide. */
  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('text', { name: 'micro_agent_key' })
  microAgentKey!: string;

  @Column('text', { name: 'step_key' })
  stepKey!: string;

  /** The micro agent's workflow, which waits for the decision. */
  @Column('text', { name: 'workflow_id' })
  workflowId!: string;

  @Column('text')
  tool!: ToolName;

  /** The call's arguments as resolved, each secret shown as its `{{secrets.<name>}}`. */
  @Column('jsonb', { nullable: true })
  args!: JsonValue | null;

  @Column('text')
  status!: ApprovalStatus;

  @Column('text', { name: 'on_timeout' })
  onTimeout!: ApprovalTimeoutOutcome;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  /** When the call was paused. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  /** Null while pending, and when the timeout decided. */
  @Column('uuid', { name: 'decided_by', nullable: true })
  decidedBy!: string | null;

  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  @Column('text', { nullable: true })
  comment!: string | null;

  @Column('boolean', { name: 'timed_out' })
  timedOut!: boolean;
}
