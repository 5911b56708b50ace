import type { JsonValue } from '@flowmate/contracts';
import { DEFINITION_LIMITS } from '@flowmate/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { AGENT_TEMPLATES } from './agent-templates';

const TEMPLATE_IDS = AGENT_TEMPLATES.map((template) => template.id);

/** `POST /agents` from a built-in template instead of a definition. */
export class FromTemplateDto {
  @ApiProperty({ enum: TEMPLATE_IDS, description: 'A template id from GET /templates' })
  @IsIn(TEMPLATE_IDS, { message: `must be one of ${TEMPLATE_IDS.join(', ')} (GET /templates)` })
  fromTemplate!: string;

  @ApiPropertyOptional({ description: 'The new agent’s name (default: the template’s)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(DEFINITION_LIMITS.nameLength)
  name?: string;

  @ApiPropertyOptional({ description: 'The template’s parameters (its `parameters` schema in GET /templates)' })
  @IsOptional()
  @IsObject()
  input?: Record<string, JsonValue>;
}
