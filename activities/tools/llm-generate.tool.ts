import { FAILURE_TYPES, type LlmGenerateArgs } from '@flowmate/contracts';
import { ApplicationFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import { answerOf, MODEL_NOT_CONFIGURED } from '../model-answer';
import type { ToolExecutor } from './tool-executor';

export interface ModelAccess {
  /** Absent when no model server is configured. */
  openai?: OpenAI;
  defaultModel?: string;
}

/** One question to the model from a deterministic step; errors are classified by the tool activity. */
export const createLlmGenerateTool =
  ({ openai, defaultModel }: ModelAccess): ToolExecutor =>
  async (args, { signal }) => {
    const { prompt, system, model = defaultModel, responseFormat } = args as unknown as LlmGenerateArgs;
    if (!openai || !model) throw ApplicationFailure.create({ ...MODEL_NOT_CONFIGURED, nonRetryable: true });
    const completion = await openai.chat.completions.create(
      {
        model,
        messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: prompt }],
        ...(responseFormat === 'json' ? { response_format: { type: 'json_object' as const } } : {}),
      },
      { signal },
    );
    const answer = answerOf(completion.choices[0]?.message.content ?? '', responseFormat);
    if (answer === undefined) {
      throw ApplicationFailure.create({ type: FAILURE_TYPES.invalidModelAnswer, message: 'the model was asked for a JSON answer and gave something else', nonRetryable: true });
    }
    return answer;
  };
