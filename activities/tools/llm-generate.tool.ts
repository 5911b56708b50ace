import { FAILURE_TYPES, type LlmGenerateArgs } from '@flowmate/contracts';
import { ApplicationFailure } from '@temporalio/common';
import { answerOf, MODEL_NOT_CONFIGURED, modelRoute, type ModelAccess } from '../model-answer';
import type { ToolExecutor } from './tool-executor';

/** One question to the model chain from a deterministic step; errors are classified by the tool activity. */
export const createLlmGenerateTool =
  (models: ModelAccess): ToolExecutor =>
  async (args, { signal, onModelCalls }) => {
    const { prompt, system, model, responseFormat } = args as unknown as LlmGenerateArgs;
    const route = modelRoute(models, model);
    if (!route) throw ApplicationFailure.create({ ...MODEL_NOT_CONFIGURED, nonRetryable: true });
    const { completion, calls } = await route.gateway.complete(
      route.chain,
      {
        messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: prompt }],
        ...(responseFormat === 'json' ? { response_format: { type: 'json_object' as const } } : {}),
      },
      signal,
    );
    onModelCalls(calls);
    const answer = answerOf(completion.choices[0]?.message.content ?? '', responseFormat);
    if (answer === undefined) {
      throw ApplicationFailure.create({ type: FAILURE_TYPES.invalidModelAnswer, message: 'the model was asked for a JSON answer and gave something else', nonRetryable: true });
    }
    return answer;
  };
