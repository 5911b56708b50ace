import { RUN_STATUSES, SCHEDULE_LIMITS, SCHEDULE_OVERLAPS, type JsonValue, type RunStatus, type ScheduleOverlap } from '@flowmate/contracts';
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
import { JSON_OBJECT_SCHEMA } from '../../common/json-value.schema';
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

export class ScheduledRunDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ enum: RUN_STATUSES }) status!: RunStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The time its schedule fired for' }) scheduledAt!: string | null;
}

export class ScheduleDto {
  @ApiProperty({ format: 'uuid', example: '0b7f6a52-3c1e-4b8e-9a0f-6d2c1e9b4a10' }) agentId!: string;
  @ApiProperty({ description: 'The Temporal Schedule’s id', example: 'agent-0b7f6a52-3c1e-4b8e-9a0f-6d2c1e9b4a10' }) scheduleId!: string;
  @ApiProperty({ type: String, nullable: true, example: '0 9 * * 1-5' }) cron!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: null }) intervalSeconds!: number | null;
  @ApiProperty({ example: 'Europe/Paris' }) timezone!: string;
  @ApiProperty({ example: false }) paused!: boolean;
  @ApiProperty({ enum: SCHEDULE_OVERLAPS, example: 'skip' }) overlap!: ScheduleOverlap;
  @ApiProperty({ example: 3600 }) catchupWindowSeconds!: number;
  @ApiProperty({ example: 0 }) jitterSeconds!: number;
  @ApiProperty({ ...JSON_OBJECT_SCHEMA, example: { owner: 'acme' } }) input!: Record<string, JsonValue>;
  @ApiProperty({ type: [String], description: 'The next fire times, ISO 8601 UTC (none while paused)', example: ['2026-12-07T08:00:00.000Z', '2026-12-08T08:00:00.000Z'] })
  nextRunTimes!: string[];
  @ApiProperty({ type: [ScheduledRunDto] }) recentRuns!: ScheduledRunDto[];
  @ApiProperty({ format: 'date-time', example: '2026-11-02T09:15:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T16:40:12.000Z' }) updatedAt!: string;
}

export class ScheduleFiredDto {
  @ApiProperty({ example: 'agent-0b7f6a52-3c1e-4b8e-9a0f-6d2c1e9b4a10' }) scheduleId!: string;
  @ApiPropertyOptional({ description: 'How many fire times the window held (a backfill), each started as its own run', example: 5 }) fireTimes?: number;
}
