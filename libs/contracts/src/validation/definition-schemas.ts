import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { JsonSchema } from '../tools';
import {
  AgentConcurrencyDto,
  AgentDefinitionDto,
  AgentLimitsDto,
  AgentNotifyDto,
  ApprovalPolicyDto,
  GitHubTriggerDto,
  MicroAgentDto,
  ToolStepDto,
} from './agent-definition.dto';

/** Every class the definition's schemas refer to, so the document has no dangling `$ref`. */
const DEFINITION_CLASSES = [AgentDefinitionDto, MicroAgentDto, ToolStepDto, ApprovalPolicyDto, AgentLimitsDto, AgentConcurrencyDto, AgentNotifyDto, GitHubTriggerDto];

/** JSON Schemas of the agent definition, read off its class-validator rules, for OpenAPI `components.schemas`. */
export function agentDefinitionSchemas(refPointerPrefix = '#/components/schemas/'): Record<string, JsonSchema> {
  const all = validationMetadatasToSchemas({ refPointerPrefix, classTransformerMetadataStorage: defaultMetadataStorage });
  return Object.fromEntries(DEFINITION_CLASSES.map(({ name }) => [name, all[name] as JsonSchema]));
}
