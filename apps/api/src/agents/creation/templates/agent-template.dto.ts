import { INTEGRATION_PROVIDERS, type IntegrationProvider, type JsonObject } from '@flowmate/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSON_OBJECT_SCHEMA } from '../../../common/json-value.schema';
import type { AgentTemplate } from './agent-templates';

export class TemplateScheduleDto {
  @ApiProperty({ example: '0 9 * * 1-5' }) cron!: string;
  @ApiProperty({ example: 'UTC' }) timezone!: string;
}

/** A template as `GET /templates` shows it: everything but how it builds its agent. */
export class AgentTemplateDto implements Omit<AgentTemplate, 'build'> {
  @ApiProperty({ example: 'github-pr-digest-to-slack', description: 'What `POST /agents` takes as `fromTemplate`' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: INTEGRATION_PROVIDERS, isArray: true, description: 'The integrations to connect (`PUT /integrations/:provider`) before it can run' })
  connections!: IntegrationProvider[];
  @ApiProperty({ ...JSON_OBJECT_SCHEMA, description: 'A JSON Schema of the `input` it is created with' }) parameters!: JsonObject;
  @ApiPropertyOptional({ type: TemplateScheduleDto, description: 'Created with it, paused, its runs’ input being the parameters' }) schedule?: TemplateScheduleDto;
}
