import type { AgentDefinition } from '@flowmate/contracts';
import { AgentDefinitionDto } from '@flowmate/contracts/validation';
import type { AgentEntity } from '@flowmate/db';
import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath, type SchemaObject } from '@nestjs/swagger';

/** What the API keeps of an agent beside its definition. */
export class AgentRecordDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Grows by one with every save; `GET /agents/:id/versions/:version` reads each' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Only on an agent in the trash' }) deletedAt?: string;
}

export type AgentResponseDto = AgentDefinition & AgentRecordDto;

/** An agent as the API answers it: its definition's fields and the record's, side by side. */
export const AGENT_SCHEMA: SchemaObject = {
  allOf: [{ $ref: getSchemaPath(AgentDefinitionDto) }, { $ref: getSchemaPath(AgentRecordDto) }],
  example: {
    id: '0b7f6a52-3c1e-4b8e-9a0f-6d2c1e9b4a10',
    version: 3,
    name: 'Open pull requests digest',
    microAgents: [
      {
        key: 'collect',
        tools: ['github.listPullRequests'],
        steps: [{ id: 'prs', tool: 'github.listPullRequests', args: { owner: 'acme', repo: 'api', state: 'open' } }],
      },
    ],
    createdAt: '2026-11-02T09:15:00.000Z',
    updatedAt: '2026-12-01T16:40:12.000Z',
  },
};

/** The agent a route answers with (`201` where it creates one). */
export const ApiAgentResponse = (status: HttpStatus.OK | HttpStatus.CREATED = HttpStatus.OK): MethodDecorator =>
  applyDecorators(ApiExtraModels(AgentRecordDto), ApiResponse({ status, description: 'The agent', schema: AGENT_SCHEMA }));

export const toAgentResponse = (agent: AgentEntity): AgentResponseDto => ({
  id: agent.id,
  version: agent.version,
  ...agent.definition,
  createdAt: agent.createdAt.toISOString(),
  updatedAt: agent.updatedAt.toISOString(),
  ...(agent.deletedAt ? { deletedAt: agent.deletedAt.toISOString() } : {}),
});
