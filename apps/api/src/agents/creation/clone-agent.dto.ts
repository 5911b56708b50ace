import { DEFINITION_LIMITS } from '@flowmate/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class CloneAgentDto {
  @ApiPropertyOptional({ description: 'The copy’s name (default: the agent’s name with " (copy)")' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(DEFINITION_LIMITS.nameLength)
  name?: string;
}
