import type { AgentDefinition } from '@flowmate/contracts';
import { AgentDefinitionDto } from '@flowmate/contracts/validation';
import { ApiProperty, getSchemaPath } from '@nestjs/swagger';

export class VersionAuthorDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
}

export class AgentVersionSummaryDto {
  @ApiProperty({ example: 3 }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: VersionAuthorDto, nullable: true, description: 'Who saved it; null once that user is gone' })
  createdBy!: VersionAuthorDto | null;
  @ApiProperty({ type: Number, nullable: true, description: 'A restore: the version it copied' })
  restoredFrom!: number | null;
  @ApiProperty({
    description: 'What it changed from the version before: micro agents added, removed and changed, other fields',
    example: 'micro agents changed: collect',
  })
  summary!: string;
}

export class AgentVersionDto extends AgentVersionSummaryDto {
  @ApiProperty({ allOf: [{ $ref: getSchemaPath(AgentDefinitionDto) }] }) definition!: AgentDefinition;
}

/** Where a version is read: runs link to the version they used. */
export const agentVersionPath = (agentId: string, version: number): string => `/api/v1/agents/${agentId}/versions/${version}`;
