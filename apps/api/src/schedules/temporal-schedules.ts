import type { AppConfig } from '@flowmate/config';
import { agentScheduleId, maintenanceScheduleId, WORKFLOW_NAMES } from '@flowmate/contracts';
import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { Client, isGrpcServiceError, ScheduleAlreadyRunning, ScheduleNotFoundError, type ScheduleDescription, type ScheduleOverlapPolicy } from '@temporalio/client';
import { msNumberToTs, tsToDate } from '@temporalio/common/lib/time';
import { InjectConfig } from '../core/app-config.provider';
import { installationMark, installationQuery, scheduleOptionsOf, scheduleUpdateOf, type ScheduleOwner } from './schedule-options';

/** How long a request waits for Temporal before it is answered 503. */
const TEMPORAL_DEADLINE_MS = 5_000;
/** gRPC's DEADLINE_EXCEEDED and UNAVAILABLE. */
const UNREACHABLE = new Set([4, 14]);

/** Temporal's side of agents' schedules: one Temporal Schedule per agent, id `agent-<agentId>`. */
@Injectable()
export class TemporalSchedules {
  constructor(
    private readonly temporal: Client,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Creates the agent's Temporal Schedule, or makes the existing one match. */
  async apply(owner: ScheduleOwner): Promise<void> {
    const options = scheduleOptionsOf(owner, this.config.temporal.taskQueue);
    await this.call('save the schedule', async () => {
      try {
        await this.temporal.schedule.create(options);
      } catch (error) {
        if (!(error instanceof ScheduleAlreadyRunning)) throw error;
        await this.temporal.schedule.getHandle(options.scheduleId).update(() => scheduleUpdateOf(options));
      }
    });
  }

  /** Creates this installation's hourly maintenance schedule (the trash's purge) unless it exists; true when created. */
  async ensureMaintenance(): Promise<boolean> {
    const { taskQueue } = this.config.temporal;
    const scheduleId = maintenanceScheduleId(taskQueue);
    return this.call('create the maintenance schedule', async () => {
      try {
        await this.temporal.schedule.create({
          scheduleId,
          spec: { intervals: [{ every: '1 hour' }] },
          action: { type: 'startWorkflow', workflowType: WORKFLOW_NAMES.maintenance, workflowId: scheduleId, taskQueue, args: [] },
          policies: { overlap: 'SKIP', catchupWindow: '1 hour' },
          typedSearchAttributes: installationMark(taskQueue),
        });
        return true;
      } catch (error) {
        if (error instanceof ScheduleAlreadyRunning) return false;
        throw error;
      }
    });
  }

  /** False when there was none. */
  async remove(agentId: string): Promise<boolean> {
    return this.call('delete the schedule', () => ifFound(() => this.handle(agentId).delete().then(() => true), false));
  }

  async describe(agentId: string): Promise<ScheduleDescription | undefined> {
    return this.call('read the schedule', () => ifFound(() => this.handle(agentId).describe(), undefined));
  }

  async trigger(agentId: string, overlap: ScheduleOverlapPolicy): Promise<void> {
    await this.call('trigger the schedule', () => this.handle(agentId).trigger(overlap));
  }

  async backfill(agentId: string, window: { from: Date; to: Date }, overlap: ScheduleOverlapPolicy): Promise<void> {
    await this.call('backfill the schedule', () => this.handle(agentId).backfill({ start: window.from, end: window.to, overlap }));
  }

  /** The times the schedule matches in the window, as Temporal computes them (before jitter). */
  async matchingTimes(agentId: string, { from, to }: { from: Date; to: Date }): Promise<Date[]> {
    const { startTime } = await this.call('compute the schedule’s times', () =>
      this.temporal.workflowService.listScheduleMatchingTimes({
        namespace: this.config.temporal.namespace,
        scheduleId: agentScheduleId(agentId),
        startTime: msNumberToTs(from.getTime()),
        endTime: msNumberToTs(to.getTime()),
      }),
    );
    return (startTime ?? []).map((time) => tsToDate(time));
  }

  /** The agent ids of every Temporal Schedule this installation made, whatever FlowMate still stores. */
  async *installed(): AsyncGenerator<string> {
    for await (const schedule of this.temporal.schedule.list({ query: installationQuery(this.config.temporal.taskQueue) })) {
      const agentId = schedule.scheduleId.slice(agentScheduleId('').length);
      if (schedule.scheduleId === agentScheduleId(agentId)) yield agentId;
    }
  }

  /** Runs `work` with every Temporal call it makes, lists included, aborted once `signal` is. */
  cancelledBy<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    return this.temporal.withAbortSignal(signal, work);
  }

  private handle(agentId: string) {
    return this.temporal.schedule.getHandle(agentScheduleId(agentId));
  }

  /** A Temporal that cannot be reached is the caller's 503, never a 500. */
  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.temporal.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, work);
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause ?? error;
      if (isGrpcServiceError(cause) && UNREACHABLE.has(cause.code)) throw new ServiceUnavailableException(`Temporal could not be reached to ${what}; try again`);
      throw error;
    }
  }
}

async function ifFound<T, F>(work: () => Promise<T>, notFound: F): Promise<T | F> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return notFound;
    throw error;
  }
}
