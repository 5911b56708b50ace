import { ApiProperty } from '@nestjs/swagger';
import { ModelHealthDto } from '../models/models.service';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

export class ReadinessChecksDto {
  @ApiProperty() postgres!: boolean;
  @ApiProperty() temporal!: boolean;
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'unavailable'] }) status!: 'ok' | 'unavailable';
  @ApiProperty() checks!: ReadinessChecksDto;
  @ApiProperty({ type: Number, nullable: true, description: 'Informational: runs queue until a worker polls, so readiness does not wait for one' })
  workersPolling!: number | null;
}

export class DependencyCheckDto {
  @ApiProperty() up!: boolean;
  @ApiProperty({ example: 3 }) latencyMs!: number;
}

export class DependenciesDto {
  @ApiProperty() postgres!: DependencyCheckDto;
  @ApiProperty() temporal!: DependencyCheckDto;
}

export class PollerDto {
  @ApiProperty({ enum: ['workflow', 'activity'], description: 'What it polls for' }) kind!: 'workflow' | 'activity';
  @ApiProperty({ description: 'The worker’s identity', example: '4711@worker-7d9f' }) identity!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
}

export class VersionDto {
  @ApiProperty({ example: '0.1.0' }) flowmate!: string;
  @ApiProperty({ example: 'v20.20.2' }) node!: string;
}

export class ScheduleCountsDto {
  @ApiProperty() stored!: number;
  @ApiProperty({ description: 'Not paused, and the agent not in the trash' }) firing!: number;
}

export class RunStartBacklogDto {
  @ApiProperty({ description: 'Accepted runs not yet handed to Temporal' }) pending!: number;
  @ApiProperty({ description: 'Age of the oldest; 0 when none waits' }) oldestSeconds!: number;
}

export class DetailedHealthDto extends ReadinessDto {
  @ApiProperty() version!: VersionDto;
  @ApiProperty() dependencies!: DependenciesDto;
  @ApiProperty({ type: [PollerDto], nullable: true, description: 'Workers seen polling this installation’s task queue in the last minute; null when Temporal did not answer' })
  pollers!: PollerDto[] | null;
  @ApiProperty({ type: ScheduleCountsDto, nullable: true, description: 'Null when Postgres did not answer' }) schedules!: ScheduleCountsDto | null;
  @ApiProperty({ type: RunStartBacklogDto, nullable: true, description: 'The run-start outbox; null when Postgres did not answer' })
  runStartBacklog!: RunStartBacklogDto | null;
  @ApiProperty({ type: [ModelHealthDto] }) models!: ModelHealthDto[];
}
