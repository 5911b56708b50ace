import type { BreakerState } from '@flowmate/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A worker's circuit breaker for one target, as that worker last reported it. */
@Entity('circuit_breakers')
export class CircuitBreakerEntity {
  @PrimaryColumn('text')
  target!: string;

  /** `<hostname>:<pid>` of the reporting worker process. */
  @PrimaryColumn('text', { name: 'worker_id' })
  workerId!: string;

  @Column('text')
  state!: BreakerState;

  @Column('timestamptz', { name: 'opened_at', nullable: true })
  openedAt!: Date | null;

  @Column('timestamptz', { name: 'reopens_at', nullable: true })
  reopensAt!: Date | null;

  @Column('jsonb', { name: 'last_error', nullable: true })
  lastError!: { type: string; message: string } | null;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
