import 'reflect-metadata';
import { Type } from 'class-transformer';
import { JSONSchema } from 'class-validator-jsonschema';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import {
  APPROVAL_TIMEOUT_OUTCOMES,
  CONCURRENCY_POLICIES,
  DEFINITION_LIMITS as L,
  type AgentConcurrency,
  type AgentDefinition,
  type AgentLimits,
  type AgentNotify,
  type ApprovalPolicy,
  type ApprovalTimeoutOutcome,
  type ConcurrencyPolicy,
  type GitHubTrigger,
  type MicroAgentDefinition,
  type ResponseFormat,
  type ToolStep,
} from '../agent-definition';
import type { JsonObject } from '../json';
import { MODEL_CHAIN_LIMIT, type ModelChoice } from '../models';
import type { ToolName } from '../tools';

const RESPONSE_FORMATS: ResponseFormat[] = ['text', 'json'];

/** An optional string that, when given, is not empty and at most `maxLength` characters. */
const OptionalText =
  (maxLength: number): PropertyDecorator =>
  (target, property) => {
    for (const rule of [IsOptional(), IsString(), IsNotEmpty(), MaxLength(maxLength)]) rule(target, property);
  };

const isModelName = (value: unknown): boolean => typeof value === 'string' && value.trim() !== '' && value.length <= L.modelLength;

const MODEL_NAME_SCHEMA = { type: 'string', minLength: 1, maxLength: L.modelLength } as const;

/** A model name, or a fallback chain of 1 to MODEL_CHAIN_LIMIT distinct names. */
const IsModelChoice = (): PropertyDecorator => (target, property) => {
  // A function replaces what the generator inferred from the union's design type (a `$ref` to `Object`).
  JSONSchema(() => ({ anyOf: [MODEL_NAME_SCHEMA, { type: 'array', items: MODEL_NAME_SCHEMA, minItems: 1, maxItems: MODEL_CHAIN_LIMIT, uniqueItems: true }] }))(
    target,
    property as string,
  );
  ValidateBy({
    name: 'isModelChoice',
    validator: {
      validate: (value: unknown) =>
        isModelName(value) ||
        (Array.isArray(value) && value.length >= 1 && value.length <= MODEL_CHAIN_LIMIT && value.every(isModelName) && new Set(value).size === value.length),
      defaultMessage: () =>
        `must be a model name (1 to ${L.modelLength} characters) or a list of 1 to ${MODEL_CHAIN_LIMIT} different ones, tried in order`,
    },
  })(target, property);
};

export class ToolStepDto implements ToolStep {
  @Matches(L.stepIdPattern, { message: `must match ${L.stepIdPattern.source}` })
  id!: string;

  @IsString()
  tool!: ToolName;

  @IsObject()
  args!: JsonObject;
}

export class ApprovalPolicyDto implements ApprovalPolicy {
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  tools!: ToolName[];

  @IsInt()
  @Min(1)
  @Max(L.approvalTimeoutSeconds)
  timeoutSeconds!: number;

  @IsIn(APPROVAL_TIMEOUT_OUTCOMES)
  onTimeout!: ApprovalTimeoutOutcome;
}

export class MicroAgentDto implements MicroAgentDefinition {
  @Matches(L.keyPattern, { message: `must match ${L.keyPattern.source}` })
  key!: string;

  @IsOptional()
  @IsString()
  @MaxLength(L.descriptionLength)
  description?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(L.microAgents)
  @IsString({ each: true })
  dependsOn?: string[];

  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  tools!: ToolName[];

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(L.stepsPerMicroAgent)
  @ValidateNested({ each: true })
  @Type(() => ToolStepDto)
  steps?: ToolStepDto[];

  @OptionalText(L.instructionsLength)
  instructions?: string;

  @IsOptional()
  @IsModelChoice()
  model?: ModelChoice;

  @IsOptional()
  @IsIn(RESPONSE_FORMATS)
  responseFormat?: ResponseFormat;

  @IsOptional()
  @ValidateNested()
  @Type(() => ApprovalPolicyDto)
  requiresApproval?: ApprovalPolicyDto;
}

export class AgentLimitsDto implements AgentLimits {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(L.maxToolCalls)
  maxToolCalls?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(L.maxTokens)
  maxTokens?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(L.timeoutSeconds)
  timeoutSeconds?: number;
}

export class AgentConcurrencyDto implements AgentConcurrency {
  @IsIn(CONCURRENCY_POLICIES)
  policy!: ConcurrencyPolicy;
}

export class AgentNotifyDto implements AgentNotify {
  @IsString()
  @Matches(/^#?[a-zA-Z0-9][\w.-]*$/, { message: 'must be a Slack channel name (#dev) or id (C0123ABC)' })
  @MaxLength(L.slackChannelLength)
  slackChannel!: string;
}

export class GitHubTriggerDto implements GitHubTrigger {
  @IsIn(['github'])
  type!: 'github';

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(L.triggerEvents)
  @Matches(L.webhookEventPattern, { each: true, message: 'each must be a GitHub event, optionally with an action: pull_request or pull_request.opened' })
  events!: string[];

  @IsString()
  @Matches(L.repositoryPattern, { message: 'must be a repository as owner/name' })
  repository!: string;
}

export class AgentDefinitionDto implements AgentDefinition {
  @IsString()
  @IsNotEmpty()
  @MaxLength(L.nameLength)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(L.descriptionLength)
  description?: string;

  @IsOptional()
  @IsString()
  @MaxLength(L.instructionsLength)
  instructions?: string;

  @IsOptional()
  @IsModelChoice()
  model?: ModelChoice;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(L.microAgents)
  @ValidateNested({ each: true })
  @Type(() => MicroAgentDto)
  microAgents!: MicroAgentDto[];

  @IsOptional()
  @ValidateNested()
  @Type(() => AgentLimitsDto)
  limits?: AgentLimitsDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => AgentConcurrencyDto)
  concurrency?: AgentConcurrencyDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => AgentNotifyDto)
  notify?: AgentNotifyDto;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(L.triggers)
  @ValidateNested({ each: true })
  @Type(() => GitHubTriggerDto)
  triggers?: GitHubTriggerDto[];

  /** A JSON Schema of the run input (type "object"): every start is checked against it. */
  @IsOptional()
  @IsObject()
  inputSchema?: JsonObject;
}
