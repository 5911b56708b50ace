import { SCHEDULE_DEFAULTS, SCHEDULE_LIMITS, type ScheduleSpec } from '@flowmate/contracts';
import { RunsRepository, SchedulesRepository, type StoredSchedule } from '@flowmate/db';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { AgentsService } from '../agents/agents.service';
import { assertInputFits } from '../runs/run-input';
import type { BackfillScheduleDto, PutScheduleDto, ScheduleDto, ScheduleFiredDto, ScheduleQueryDto } from './dto/schedule.dto';
import { overlapPolicyOf } from './schedule-options';
import { fireTimesIn, previewWindows } from './schedule-times';
import { TemporalSchedules } from './temporal-schedules';

const specOf = (dto: PutScheduleDto): ScheduleSpec => ({
  ...(dto.cron !== undefined ? { cron: dto.cron.trim() } : { intervalSeconds: dto.intervalSeconds }),
  timezone: dto.timezone ?? SCHEDULE_DEFAULTS.timezone,
  paused: dto.paused ?? false,
  overlap: dto.overlap ?? SCHEDULE_DEFAULTS.overlap,
  catchupWindowSeconds: dto.catchupWindowSeconds ?? SCHEDULE_DEFAULTS.catchupWindowSeconds,
  jitterSeconds: dto.jitterSeconds ?? SCHEDULE_DEFAULTS.jitterSeconds,
  input: dto.input ?? {},
});

/**
 * Agents' schedules over REST. Temporal is written first, then Postgres: a Temporal that cannot be
 * reached changes nothing (503), and a Postgres write that fails after it is undone by the reconciler.
 */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly agents: AgentsService,
    private readonly schedules: SchedulesRepository,
    private readonly runs: RunsRepository,
    private readonly temporal: TemporalSchedules,
  ) {}

  async put(user: AuthUser, agentId: string, dto: PutScheduleDto): Promise<ScheduleDto> {
    const agent = await this.agents.findOwned(user, agentId);
    const spec = specOf(dto);
    assertInputFits(agent.definition, spec.input);
    await this.temporal.apply({ agentId, userId: user.id, spec });
    return this.view(await this.schedules.upsert(user.id, agentId, spec));
  }

  async get(user: AuthUser, agentId: string, query: ScheduleQueryDto): Promise<ScheduleDto> {
    return this.view(await this.ownedSchedule(user, agentId), query.from);
  }

  async delete(user: AuthUser, agentId: string): Promise<void> {
    await this.ownedSchedule(user, agentId);
    await this.temporal.remove(agentId);
    await this.schedules.delete(agentId);
  }

  /** One run now, under the schedule's overlap policy (so `skip` skips it while a scheduled run is going). */
  async trigger(user: AuthUser, agentId: string): Promise<ScheduleFiredDto> {
    const schedule = await this.ownedSchedule(user, agentId);
    await this.temporal.trigger(agentId, overlapPolicyOf(schedule.spec.overlap));
    return { scheduleId: schedule.temporalScheduleId };
  }

  /**
   * Runs the window's fire times, one after another (`buffer_all`; side by side under `allow_all`):
   * each was missed, and a backfill that skipped all but the first would not be one.
   */
  async backfill(user: AuthUser, agentId: string, { from, to }: BackfillScheduleDto): Promise<ScheduleFiredDto> {
    const schedule = await this.ownedSchedule(user, agentId);
    const problems = [
      ...(from >= to ? [{ path: 'to', message: 'must be after from' }] : []),
      ...(to.getTime() > Date.now() ? [{ path: 'to', message: 'must not be in the future: a backfill runs times that have passed' }] : []),
    ];
    const fireTimes = problems.length === 0 ? fireTimesIn(schedule.spec, { from, to }) : 0;
    if (fireTimes > SCHEDULE_LIMITS.backfillTimes) {
      problems.push({ path: 'from', message: `the window holds more than ${SCHEDULE_LIMITS.backfillTimes} fire times; backfill a shorter one` });
    }
    if (problems.length > 0) throw new BadRequestException({ message: 'Request validation failed', details: problems });
    await this.temporal.backfill(agentId, { from, to }, schedule.spec.overlap === 'allow_all' ? 'ALLOW_ALL' : 'BUFFER_ALL');
    return { scheduleId: schedule.temporalScheduleId, fireTimes };
  }

  private async ownedSchedule(user: AuthUser, agentId: string): Promise<StoredSchedule> {
    await this.agents.findOwned(user, agentId);
    const schedule = await this.schedules.findByAgent(agentId);
    if (!schedule) throw new NotFoundException('This agent has no schedule');
    return schedule;
  }

  private async view(schedule: StoredSchedule, from?: Date): Promise<ScheduleDto> {
    const { spec } = schedule;
    const [nextRunTimes, recentRuns] = await Promise.all([this.nextRunTimes(schedule, from), this.runs.listScheduled(schedule.agentId, SCHEDULE_LIMITS.recentRuns)]);
    return {
      agentId: schedule.agentId,
      scheduleId: schedule.temporalScheduleId,
      cron: spec.cron ?? null,
      intervalSeconds: spec.intervalSeconds ?? null,
      timezone: spec.timezone,
      paused: spec.paused,
      overlap: spec.overlap,
      catchupWindowSeconds: spec.catchupWindowSeconds,
      jitterSeconds: spec.jitterSeconds,
      input: spec.input,
      nextRunTimes: nextRunTimes.map((time) => time.toISOString()),
      recentRuns: recentRuns.map((run) => ({ runId: run.id, status: run.status, scheduledAt: run.scheduledAt?.toISOString() ?? null })),
      createdAt: schedule.createdAt.toISOString(),
      updatedAt: schedule.updatedAt.toISOString(),
    };
  }

  /**
   * From Temporal: its next fires (none while paused, though Temporal still lists the times it would
   * have), or with `from`, the spec's times after that instant, paused or not.
   */
  private async nextRunTimes({ agentId, spec }: StoredSchedule, from?: Date): Promise<Date[]> {
    const count = SCHEDULE_LIMITS.nextRunTimes;
    if (!from && spec.paused) return [];
    if (!from) return ((await this.temporal.describe(agentId))?.info.nextActionTimes ?? []).slice(0, count);
    let times: Date[] = [];
    for (const window of previewWindows(spec, from, count)) {
      times = (await this.temporal.matchingTimes(agentId, window)).filter((time) => time > from);
      if (times.length >= count) break;
    }
    return times.slice(0, count);
  }
}
