import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { JsonSchema } from '../tools';
import { AgentDefinitionDto, AgentLimitsDto, MicroAgentDto, ToolStepDto } from './agent-definition.dto';

const DEFINITION_CLASSES = [AgentDefinitionDto, MicroAgentDto, ToolStepDto, AgentLimitsDto];

/** JSON Schemas of the agent definition, read off its class-validator rules, for OpenAPI `components.schemas`. */
export function agentDefinitionSchemas(refPointerPrefix = '#/components/schemas/'): Record<string, JsonSchema> {
  const all = validationMetadatasToSchemas({ refPointerPrefix, classTransformerMetadataStorage: defaultMetadataStorage });
  return Object.fromEntries(DEFINITION_CLASSES.map(({ name }) => [name, all[name] as JsonSchema]));
}
