import { FAILURE_TYPES, modelChain, type JsonValue, type ModelChoice, type ResponseFormat, type RunError } from '@flowmate/contracts';
import type { ModelGateway } from '@flowmate/integrations';

/** How activities reach models: absent gateway when no provider is configured. */
export interface ModelAccess {
  gateway?: ModelGateway;
  /** The chain a call uses when its definition names no model (OPENAI_MODEL). */
  defaultChain: readonly string[];
}

/** Why a model call cannot be made here, naming the settings that would make it possible. */
export const MODEL_NOT_CONFIGURED: RunError = {
  type: FAILURE_TYPES.modelNotConfigured,
  message:
    'no model is configured: set MODEL_PROVIDERS or OPENAI_API_KEY (or OPENAI_BASE_URL for another OpenAI-compatible server), ' +
    'and OPENAI_MODEL or a model in the agent',
};

/** The gateway and the chain to ask, or undefined when no model can be asked. */
export function modelRoute(access: ModelAccess, choice: ModelChoice | undefined): { gateway: ModelGateway; chain: string[] } | undefined {
  const chain = modelChain(choice, access.defaultChain);
  return access.gateway && chain.length > 0 ? { gateway: access.gateway, chain } : undefined;
}

/** `{text}`, or the JSON value a JSON answer was asked for (undefined when it is not JSON). */
export function answerOf(content: string, format: ResponseFormat | undefined): JsonValue | undefined {
  if (format !== 'json') return { text: content };
  try {
    return JSON.parse(content) as JsonValue;
  } catch {
    return undefined;
  }
}
