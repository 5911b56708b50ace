import type { CircuitBreakerReport } from '@flowmate/contracts';
import { In, MoreThan, type DataSource, type Repository } from 'typeorm';
import { CircuitBreakerEntity } from '../entities';

export interface WorkerBreakerReport extends CircuitBreakerReport {
  workerId: string;
  updatedAt: string;
}

/** Circuit breaker transitions as workers report them, for the API to show. */
export class CircuitBreakersRepository {
  private readonly breakers: Repository<CircuitBreakerEntity>;

  constructor(db: DataSource) {
    this.breakers = db.getRepository(CircuitBreakerEntity);
  }

  async report(workerId: string, report: CircuitBreakerReport): Promise<void> {
    await this.breakers.upsert(
      {
        workerId,
        target: report.target,
        state: report.state,
        openedAt: report.openedAt ? new Date(report.openedAt) : null,
        reopensAt: report.reopensAt ? new Date(report.reopensAt) : null,
        lastError: report.lastError,
        updatedAt: () => 'now()',
      },
      ['target', 'workerId'],
    );
  }

  /** Reports on these targets made since `since`: older ones may come from workers that are gone. */
  async recent(targets: readonly string[], since: Date): Promise<WorkerBreakerReport[]> {
    if (targets.length === 0) return [];
    const rows = await this.breakers.find({ where: { target: In([...targets]), updatedAt: MoreThan(since) }, order: { target: 'ASC', workerId: 'ASC' } });
    return rows.map((row) => ({
      workerId: row.workerId,
      target: row.target,
      state: row.state,
      openedAt: row.openedAt?.toISOString() ?? null,
      reopensAt: row.reopensAt?.toISOString() ?? null,
      lastError: row.lastError,
      updatedAt: row.updatedAt.toISOString(),
    }));
  }
}
