import { DEFINITION_LIMITS } from './agent-definition';
import { INTEGRATION_TOOL_NAMES, INTEGRATION_TOOLS, type IntegrationProvider } from './integration-tools';
import { MODEL_CHAIN_LIMIT, type ModelChoice } from './models';

export const TOOL_NAMES = ['http.request', 'text.render', 'llm.generate', ...INTEGRATION_TOOL_NAMES] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}

/** Model function names allow no dots: `http.request` is offered to a model as `http__request`. */
export const toolFunctionName = (tool: ToolName): string => tool.replace('.', '__');
export const toolOfFunctionName = (name: string): ToolName | undefined => TOOL_NAMES.find((tool) => toolFunctionName(tool) === name);

/** A JSON Schema (draft 2020-12 subset) describing a tool's arguments. */
export type JsonSchema = { [keyword: string]: unknown };

export interface ToolDescriptor {
  name: ToolName;
  description: string;
  /** Whether calling the tool can change something outside FlowMate. */
  sideEffects: boolean;
  argsSchema: JsonSchema;
  /** The connection (`PUT /integrations/:provider`) the tool calls with; absent for built-in tools. */
  provider?: IntegrationProvider;
}

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface HttpRequestArgs {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
}

export interface HttpRequestResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface TextRenderArgs {
  template: string;
  data?: unknown;
}

export interface TextRenderResult {
  text: string;
}

export interface LlmGenerateArgs {
  prompt: string;
  system?: string;
  model?: ModelChoice;
  responseFormat?: 'text' | 'json';
}

export const TOOLS: Record<ToolName, ToolDescriptor> = {
  'http.request': {
    name: 'http.request',
    description:
      'Send an HTTP request and return {status, headers, body}; JSON bodies are parsed. ' +
      'Private, loopback, link-local and metadata addresses are refused unless allow-listed.',
    sideEffects: true,
    argsSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['method', 'url'],
      properties: {
        method: { type: 'string', enum: [...HTTP_METHODS] },
        url: { type: 'string', minLength: 1, maxLength: 2048 },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        body: {},
        timeoutMs: { type: 'integer', minimum: 100, maximum: 60_000 },
      },
    },
  },
  'text.render': {
    name: 'text.render',
    description:
      'Render a logic-less Mustache template with data and return {text}; sections ({{#items}}…{{/items}}) iterate lists.',
    sideEffects: false,
    argsSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['template'],
      properties: {
        template: { type: 'string', maxLength: 100_000 },
        data: {},
      },
    },
  },
  'llm.generate': {
    name: 'llm.generate',
    description:
      'Ask a configured model one question and return its answer: {text}, or the JSON value when responseFormat is json. ' +
      'model is a name or a fallback chain of names (the default chain when absent). Templates work in prompt and system.',
    sideEffects: false,
    argsSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['prompt'],
      properties: {
        prompt: { type: 'string', minLength: 1, maxLength: 100_000 },
        system: { type: 'string', maxLength: 20_000 },
        // A name or a fallback chain: each keyword applies to its own type.
        model: {
          type: ['string', 'array'],
          minLength: 1,
          maxLength: DEFINITION_LIMITS.modelLength,
          minItems: 1,
          maxItems: MODEL_CHAIN_LIMIT,
          items: { type: 'string', minLength: 1, maxLength: DEFINITION_LIMITS.modelLength },
        },
        responseFormat: { type: 'string', enum: ['text', 'json'] },
      },
    },
  },
  ...INTEGRATION_TOOLS,
};
