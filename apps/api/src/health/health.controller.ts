import type { AppConfig } from '@flowmate/config';
import { RunStartOutboxRepository, SchedulesRepository } from '@flowmate/db';
import { Controller, Get, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Client } from '@temporalio/client';
import { google, temporal as proto } from '@temporalio/proto';
import { DataSource } from 'typeorm';
import { version } from '../../../../package.json';
import { ApiSignedIn } from '../auth/api-security';
import { Public } from '../auth/auth-user';
import { ApiErrorResponses } from '../core/api-error-responses';
import { InjectConfig } from '../core/app-config.provider';
import { ModelsService } from '../models/models.service';
import { DependencyCheckDto, DetailedHealthDto, LivenessDto, PollerDto, ReadinessDto } from './health.dto';

const CHECK_TIMEOUT_MS = 2_000;
/** Temporal keeps a poller listed for a few minutes after it stops; one seen this recently is working. */
const RECENT_POLLER_MS = 60_000;

const TASK_QUEUE_KINDS = {
  workflow: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  activity: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
} as const;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly temporal: Client,
    private readonly models: ModelsService,
    private readonly schedules: SchedulesRepository,
    private readonly outbox: RunStartOutboxRepository,
  ) {}

  @Public()
  @Get('live')
  @ApiOkResponse({ type: LivenessDto, description: 'The process answers' })
  @ApiErrorResponses()
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  @ApiOkResponse({ type: ReadinessDto, description: 'Postgres and Temporal answer' })
  @ApiErrorResponses(HttpStatus.SERVICE_UNAVAILABLE)
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

  /**
   * For operators (signed in): each dependency's latency, the workers polling, the schedules, the models'
   * health and the version; 200 even when something is down.
   */
  @ApiSignedIn()
  @ApiOkResponse({ type: DetailedHealthDto })
  @Get('detailed')
  async detailed(): Promise<DetailedHealthDto> {
    const [postgres, temporal, models] = await Promise.all([this.checkPostgres(), this.checkTemporal(), this.models.list()]);
    const [pollers, schedules, runStartBacklog] = await Promise.all([
      temporal.up ? this.recentPollers() : null,
      postgres.up ? this.schedules.counts().catch(() => null) : null,
      postgres.up ? this.outbox.backlog().catch(() => null) : null,
    ]);
    return {
      status: postgres.up && temporal.up ? 'ok' : 'unavailable',
      checks: { postgres: postgres.up, temporal: temporal.up },
      workersPolling: pollers && pollers.filter((poller) => poller.kind === 'workflow').length,
      version: { flowmate: version, node: process.version },
      dependencies: { postgres, temporal },
      pollers,
      schedules,
      runStartBacklog,
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
      return (await this.pollersOf(TASK_QUEUE_KINDS.workflow)).length;
    } catch {
      return null;
    }
  }

  private async recentPollers(): Promise<PollerDto[] | null> {
    try {
      const since = Date.now() - RECENT_POLLER_MS;
      const kinds = Object.entries(TASK_QUEUE_KINDS) as Array<[PollerDto['kind'], proto.api.enums.v1.TaskQueueType]>;
      const listed = await Promise.all(
        kinds.map(async ([kind, type]) =>
          (await this.pollersOf(type)).map((poller) => ({ kind, identity: poller.identity ?? '', lastSeenAt: timestampOf(poller.lastAccessTime) })),
        ),
      );
      return listed.flat().filter((poller) => Date.parse(poller.lastSeenAt) >= since);
    } catch {
      return null;
    }
  }

  private async pollersOf(taskQueueType: proto.api.enums.v1.TaskQueueType): Promise<proto.api.taskqueue.v1.IPollerInfo[]> {
    const response = await this.withTemporalDeadline(() =>
      this.temporal.workflowService.describeTaskQueue({
        namespace: this.config.temporal.namespace,
        taskQueue: { name: this.config.temporal.taskQueue },
        taskQueueType,
      }),
    );
    return response.pollers ?? [];
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

function timestampOf(time: google.protobuf.ITimestamp | null | undefined): string {
  return new Date(Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6)).toISOString();
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
  ]);
}
