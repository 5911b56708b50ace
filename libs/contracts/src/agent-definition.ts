import type { JsonObject } from './json';
import type { ToolName } from './tools';

export interface ToolStep {
  id: string;
  tool: ToolName;
  args: JsonObject;
}

export interface MicroAgentDefinition {
  key: string;
  description?: string;
  dependsOn?: string[];
  tools: ToolName[];
  steps: ToolStep[];
}

export interface AgentLimits {
  maxToolCalls?: number;
  timeoutSeconds?: number;
}

export interface AgentDefinition {
  name: string;
  description?: string;
  instructions?: string;
  model?: string;
  microAgents: MicroAgentDefinition[];
  limits?: AgentLimits;
}

export const DEFINITION_LIMITS = {
  nameLength: 100,
  descriptionLength: 1000,
  instructionsLength: 5000,
  microAgents: 20,
  stepsPerMicroAgent: 50,
  maxToolCalls: 1000,
  timeoutSeconds: 86_400,
  keyPattern: /^[a-z][a-z0-9-]{0,39}$/,
  stepIdPattern: /^[a-z][a-zA-Z0-9_-]{0,39}$/,
} as const;
