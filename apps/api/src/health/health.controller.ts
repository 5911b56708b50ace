import type { AppConfig } from '@flowmate/config';
import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth-user';
import { InjectConfig } from '../core/app-config.provider';
import { ModelsService, type ModelHealthDto } from '../models/models.service';

const CHECK_TIMEOUT_MS = 2_000;

export interface ReadinessDto {
  status: 'ok' | 'unavailable';
  checks: { postgres: boolean; temporal: boolean };
  /** Informational: runs queue until a worker polls, so readiness does not wait for one. */
  workersPolling: number | null;
}

export interface DependencyCheckDto {
  up: boolean;
  latencyMs: number;
}

export interface DetailedHealthDto extends ReadinessDto {
  dependencies: { postgres: DependencyCheckDto; temporal: DependencyCheckDto };
  models: ModelHealthDto[];
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly temporal: Client,
    private readonly models: ModelsService,
  ) {}

  @Public()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  async ready(): Promise<ReadinessDto> {
    const [postgres, temporal] = await Promise.all([this.checkPostgres(), this.checkTemporal()]);
    const workersPolling = temporal.up ? await this.countPollers() : null;
    const body: ReadinessDto = { status: postgres.up && temporal.up ? 'ok' : 'unavailable', checks: { postgres: postgres.up, temporal: temporal.up }, workersPolling };
    if (body.status !== 'ok') {
      const details = Object.entries(body.checks)
        .filter(([, up]) => !up)
        .map(([path]) => ({ path, message: 'unreachable' }));
      throw new ServiceUnavailableException({ message: 'Not ready', details });
    }
    return body;
  }

  /** For operators (signed in): each dependency's latency and the configured models' health; 200 even when something is down. */
  @ApiBearerAuth()
  @Get('detailed')
  async detailed(): Promise<DetailedHealthDto> {
    const [postgres, temporal, models] = await Promise.all([this.checkPostgres(), this.checkTemporal(), this.models.list()]);
    const workersPolling = temporal.up ? await this.countPollers() : null;
    return {
      status: postgres.up && temporal.up ? 'ok' : 'unavailable',
      checks: { postgres: postgres.up, temporal: temporal.up },
      workersPolling,
      dependencies: { postgres, temporal },
      models,
    };
  }

  private checkPostgres(): Promise<DependencyCheckDto> {
    return timed(() => withTimeout(this.db.query('SELECT 1')));
  }

  private checkTemporal(): Promise<DependencyCheckDto> {
    return timed(() => this.withTemporalDeadline(() => this.temporal.workflowService.getSystemInfo({})));
  }

  private async countPollers(): Promise<number | null> {
    try {
      const response = await this.withTemporalDeadline(() =>
        this.temporal.workflowService.describeTaskQueue({
          namespace: this.config.temporal.namespace,
          taskQueue: { name: this.config.temporal.taskQueue },
          taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        }),
      );
      return response.pollers?.length ?? 0;
    } catch {
      return null;
    }
  }

  /** A gRPC deadline, unlike a race, also stops the client's own retries once the check gives up. */
  private withTemporalDeadline<T>(call: () => Promise<T>): Promise<T> {
    return this.temporal.withDeadline(Date.now() + CHECK_TIMEOUT_MS, call);
  }
}

async function timed(check: () => Promise<unknown>): Promise<DependencyCheckDto> {
  const started = Date.now();
  try {
    await check();
    return { up: true, latencyMs: Date.now() - started };
  } catch {
    return { up: false, latencyMs: Date.now() - started };
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
  ]);
}
