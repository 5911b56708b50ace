import { modelProviderTarget, type BreakerState } from '@flowmate/contracts';
import { CircuitBreakersRepository, type WorkerBreakerReport } from '@flowmate/db';
import { ModelHealthMonitor, type ProviderHealth } from '@flowmate/integrations';
import { Injectable, NotFoundException } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ModelCatalog, type CatalogModel } from './model-catalog';

/** Reports older than this may come from a worker that is gone. */
const REPORT_MAX_AGE_MS = 60 * 60_000;

const BREAKER_STATES: BreakerState[] = ['closed', 'open', 'half_open'];

export class WorkerBreakerDto implements Omit<WorkerBreakerReport, 'target'> {
  @ApiProperty() workerId!: string;
  @ApiProperty({ enum: BREAKER_STATES }) state!: BreakerState;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) openedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'While open: when the next call may probe' }) reopensAt!: string | null;
  @ApiProperty({ type: 'object', nullable: true, properties: { type: { type: 'string' }, message: { type: 'string' } } })
  lastError!: { type: string; message: string } | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class BreakerDto {
  @ApiProperty({ enum: BREAKER_STATES, description: '`open` when a worker refuses calls now, `half_open` when the next call probes, else `closed`' })
  state!: BreakerState;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) reopensAt!: string | null;
  @ApiProperty({ type: [WorkerBreakerDto], description: 'Each worker whose breaker is not closed, as it last reported' }) workers!: WorkerBreakerDto[];
}

export class ModelHealthDto {
  @ApiProperty({ description: 'As an agent names it', example: 'local/llama3' }) name!: string;
  @ApiProperty({ example: 'local' }) provider!: string;
  @ApiProperty({ description: 'The name the provider knows it by', example: 'llama3' }) providerModel!: string;
  @ApiProperty({ description: 'The provider answers, lists this model (when it lists any) and no worker’s breaker is open' }) healthy!: boolean;
  @ApiProperty({ type: Number, nullable: true }) latencyMs!: number | null;
  @ApiProperty({ format: 'date-time' }) checkedAt!: string;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: BreakerDto }) breaker!: BreakerDto;
}

@Injectable()
export class ModelsService {
  private readonly monitor: ModelHealthMonitor;

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly breakerReports: CircuitBreakersRepository,
  ) {
    this.monitor = new ModelHealthMonitor({ providers: catalog.providers, probeModelOf: (provider) => catalog.probeModelOf(provider) });
  }

  async list(): Promise<ModelHealthDto[]> {
    return this.healthOf(this.catalog.list());
  }

  async get(name: string): Promise<ModelHealthDto> {
    const model = this.catalog.find(name);
    if (!model) throw new NotFoundException(`No configured model is called "${name}"`);
    const [health] = await this.healthOf([model]);
    return health;
  }

  private async healthOf(models: readonly CatalogModel[]): Promise<ModelHealthDto[]> {
    const providers = [...new Set(models.map((model) => model.provider))];
    const [checks, reports] = await Promise.all([
      Promise.all(providers.map((provider) => this.monitor.provider(provider))),
      this.breakerReports.recent(providers.map(modelProviderTarget), new Date(Date.now() - REPORT_MAX_AGE_MS)),
    ]);
    return models.map((model) => {
      const check = checks[providers.indexOf(model.provider)];
      const breaker = breakerOf(reports.filter((report) => report.target === modelProviderTarget(model.provider)));
      const problem = problemOf(check, model, breaker);
      return {
        name: model.name,
        provider: model.provider,
        providerModel: model.model,
        healthy: problem === null,
        latencyMs: check.latencyMs,
        checkedAt: check.checkedAt,
        lastError: problem,
        breaker,
      };
    });
  }
}

function problemOf(check: ProviderHealth, model: CatalogModel, breaker: BreakerDto): string | null {
  if (!check.healthy) return check.lastError;
  if (check.listed && !check.listed.includes(model.model)) return `the provider's /models does not list "${model.model}"`;
  if (breaker.state !== 'open') return null;
  const open = breaker.workers.find((worker) => worker.state === 'open');
  return `circuit breaker open on ${open?.workerId}: ${open?.lastError?.message ?? 'repeated failures'}`;
}

/** One state over the workers' reports: open while any worker refuses calls, half-open while any would probe. */
function breakerOf(reports: readonly WorkerBreakerReport[]): BreakerDto {
  const now = Date.now();
  const notClosed = reports.filter((report) => report.state !== 'closed');
  const openNow = notClosed.filter((report) => report.state === 'open' && report.reopensAt !== null && Date.parse(report.reopensAt) > now);
  const state: BreakerState = openNow.length > 0 ? 'open' : notClosed.length > 0 ? 'half_open' : 'closed';
  const reopensAt = openNow.length > 0 ? openNow.map((report) => report.reopensAt as string).sort().at(-1) ?? null : null;
  return { state, reopensAt, workers: notClosed.map(({ target: _target, ...report }) => report) };
}
