import type { AppConfig } from '@flowmate/config';
import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth-user';
import { InjectConfig } from '../core/app-config.provider';

const CHECK_TIMEOUT_MS = 2_000;

export interface ReadinessDto {
  status: 'ok' | 'unavailable';
  checks: { postgres: boolean; temporal: boolean };
  /** Informational: runs queue until a worker polls, so readiness does not wait for one. */
  workersPolling: number | null;
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly temporal: Client,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<ReadinessDto> {
    const [postgres, temporal] = await Promise.all([
      succeeds(() => withTimeout(this.db.query('SELECT 1'))),
      succeeds(() => this.withTemporalDeadline(() => this.temporal.workflowService.getSystemInfo({}))),
    ]);
    const workersPolling = temporal ? await this.countPollers() : null;
    const body: ReadinessDto = { status: postgres && temporal ? 'ok' : 'unavailable', checks: { postgres, temporal }, workersPolling };
    if (body.status !== 'ok') {
      const details = Object.entries(body.checks)
        .filter(([, up]) => !up)
        .map(([path]) => ({ path, message: 'unreachable' }));
      throw new ServiceUnavailableException({ message: 'Not ready', details });
    }
    return body;
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

async function succeeds(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
  ]);
}
