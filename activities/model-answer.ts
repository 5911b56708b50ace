import { FAILURE_TYPES, type JsonValue, type ResponseFormat, type RunError } from '@flowmate/contracts';

/** Why a model call cannot be made here, naming the settings that would make it possible. */
export const MODEL_NOT_CONFIGURED: RunError = {
  type: FAILURE_TYPES.modelNotConfigured,
  message: 'no model is configured: set OPENAI_API_KEY (or OPENAI_BASE_URL for another OpenAI-compatible server) and OPENAI_MODEL, or name a model in the agent',
};

/** `{text}`, or the JSON value a JSON answer was asked for (undefined when it is not JSON). */
export function answerOf(content: string, format: ResponseFormat | undefined): JsonValue | undefined {
  if (format !== 'json') return { text: content };
  try {
    return JSON.parse(content) as JsonValue;
  } catch {
    return undefined;
  }
}
