import { DEFINITION_LIMITS, type JsonValue } from '@flowmate/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches } from 'class-validator';

export class RerunRunDto {
  @ApiPropertyOptional({
    description: 'Run this micro agent and everything downstream of it again; the others reuse what the run recorded. Absent: everything runs again.',
    example: 'post',
  })
  @IsOptional()
  @IsString()
  @Matches(DEFINITION_LIMITS.keyPattern, { message: 'from must be a micro agent key' })
  from?: string;

  @ApiPropertyOptional({ description: "Replaces the run's input (default: the input of the run rerun)", example: { owner: 'acme' } })
  @IsOptional()
  @IsObject()
  input?: Record<string, JsonValue>;
}
