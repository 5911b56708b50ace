import { SCHEDULE_LIMITS, SCHEDULE_OVERLAPS, type JsonValue, type RunStatus, type ScheduleOverlap } from '@flowmate/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsTimeZone,
  Max,
  Min,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { cronProblem } from '../cron';

const CRON_MAX_LENGTH = 200;

function cronValueProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > CRON_MAX_LENGTH) return `must be at most ${CRON_MAX_LENGTH} characters`;
  return cronProblem(value);
}

/** Absent, or a standard 5-field cron expression; the problem named in the message. */
function IsCronExpression(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCronExpression',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => cronValueProblem(value) === undefined,
        defaultMessage: ({ value }: ValidationArguments) => cronValueProblem(value) as string,
      },
    });
}

/** Exactly one of `cron` and `intervalSeconds`: checked on `cron`, so the problem has one path. */
function IsTheOnlyTiming(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isTheOnlyTiming',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (cron: unknown, { object }: ValidationArguments) => (cron === undefined) !== ((object as PutScheduleDto).intervalSeconds === undefined),
        defaultMessage: ({ value }: ValidationArguments) =>
          value === undefined ? 'give cron or intervalSeconds: a schedule needs one' : 'give cron or intervalSeconds, not both',
      },
    });
}

export class PutScheduleDto {
  @ApiPropertyOptional({ description: 'A standard 5-field cron expression, read in `timezone`', example: '0 9 * * 1-5' })
  @IsTheOnlyTiming()
  @IsCronExpression()
  cron?: string;

  @ApiPropertyOptional({ minimum: SCHEDULE_LIMITS.minIntervalSeconds, maximum: SCHEDULE_LIMITS.maxIntervalSeconds })
  @IsOptional()
  @IsInt()
  @Min(SCHEDULE_LIMITS.minIntervalSeconds)
  @Max(SCHEDULE_LIMITS.maxIntervalSeconds)
  intervalSeconds?: number;

  @ApiPropertyOptional({ description: 'IANA time zone the cron expression is read in', default: 'UTC', example: 'Europe/Paris' })
  @IsOptional()
  @IsTimeZone({ message: 'must be an IANA time zone name, such as Europe/Paris' })
  timezone?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  paused?: boolean;

  @ApiPropertyOptional({ enum: SCHEDULE_OVERLAPS, default: 'skip', description: 'What a fire does while the previous scheduled run is still going' })
  @IsOptional()
  @IsIn(SCHEDULE_OVERLAPS)
  overlap?: ScheduleOverlap;

  @ApiPropertyOptional({ minimum: SCHEDULE_LIMITS.minCatchupWindowSeconds, maximum: SCHEDULE_LIMITS.maxCatchupWindowSeconds, default: 3600 })
  @IsOptional()
  @IsInt()
  @Min(SCHEDULE_LIMITS.minCatchupWindowSeconds)
  @Max(SCHEDULE_LIMITS.maxCatchupWindowSeconds)
  catchupWindowSeconds?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: SCHEDULE_LIMITS.maxJitterSeconds, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(SCHEDULE_LIMITS.maxJitterSeconds)
  jitterSeconds?: number;

  @ApiPropertyOptional({ description: 'The input of every scheduled run, read by {{input.…}} templates' })
  @IsOptional()
  @IsObject()
  input?: Record<string, JsonValue>;
}

export class ScheduleQueryDto {
  @ApiPropertyOptional({ description: 'Show the next run times after this instant instead of after now (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO 8601 date-time' })
  from?: Date;
}

export class BackfillScheduleDto {
  @ApiProperty({ description: 'Start of the window whose fire times to run (ISO 8601)' })
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO 8601 date-time' })
  from!: Date;

  @ApiProperty({ description: 'End of the window, not in the future (ISO 8601)' })
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO 8601 date-time' })
  to!: Date;
}

export interface ScheduledRunDto {
  runId: string;
  status: RunStatus;
  scheduledAt: string | null;
}

export interface ScheduleDto {
  agentId: string;
  scheduleId: string;
  cron: string | null;
  intervalSeconds: number | null;
  timezone: string;
  paused: boolean;
  overlap: ScheduleOverlap;
  catchupWindowSeconds: number;
  jitterSeconds: number;
  input: Record<string, JsonValue>;
  /** The next fire times, ISO 8601 UTC (none while paused). */
  nextRunTimes: string[];
  recentRuns: ScheduledRunDto[];
  createdAt: string;
  updatedAt: string;
}

export interface ScheduleFiredDto {
  scheduleId: string;
  /** How many fire times the window held (a backfill), each started as its own run. */
  fireTimes?: number;
}
