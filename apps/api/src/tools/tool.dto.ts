import { INTEGRATION_PROVIDERS, TOOL_NAMES, type IntegrationProvider, type JsonSchema, type ToolDescriptor, type ToolName } from '@flowmate/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSON_OBJECT_SCHEMA } from '../common/json-value.schema';

export class ToolDto implements ToolDescriptor {
  @ApiProperty({ enum: TOOL_NAMES, example: 'github.createIssue' }) name!: ToolName;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'Whether calling the tool can change something outside FlowMate' }) sideEffects!: boolean;
  @ApiProperty({ ...JSON_OBJECT_SCHEMA, description: 'A JSON Schema of its `args`' }) argsSchema!: JsonSchema;
  @ApiPropertyOptional({ enum: INTEGRATION_PROVIDERS, description: 'The connection (`PUT /integrations/:provider`) it calls with; absent for built-in tools' })
  provider?: IntegrationProvider;
}
