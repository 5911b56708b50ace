import type { ModelProviderConfig } from '@flowmate/config';
import { FAILURE_TYPES, modelProviderTarget, resolveModel, type ModelCallRecord } from '@flowmate/contracts';
import { ApplicationFailure, msToNumber } from '@temporalio/common';
import type OpenAI from 'openai';
import type { CircuitBreakers } from '../circuit-breakers/circuit-breakers';
import { classifyError } from '../errors/classify-error';
import { createOpenAiClient } from '../openai/openai.client';
import { ModelChainFailed } from './model-chain-failed';

export type ChatRequest = Omit<OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming, 'model'>;

export interface ModelAnswer {
  completion: OpenAI.Chat.Completions.ChatCompletion;
  /** Every call the chain made, the answering one last. */
  calls: ModelCallRecord[];
}

export interface ModelGatewayOptions {
  providers: readonly ModelProviderConfig[];
  breakers: CircuitBreakers;
  /** A 429 asking to wait at most this long is waited out (by Temporal) on the same model rather than falling back. */
  rateLimitWaitMs: number;
  timeoutMs?: number;
  /** Told the tokens of every answered call (for metrics); the chain's record keeps only their total. */
  onUsage?: (usage: ModelUsage) => void;
}

export interface ModelUsage {
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

/**
 * Chat completions over a fallback chain of models on OpenAI-compatible providers, each provider behind its
 * circuit breaker. The fallback happens here, inside one activity attempt: the next model is asked at once,
 * no workflow code decides, and replay reads only the activity's recorded result.
 */
export class ModelGateway {
  private readonly clients: Map<string, OpenAI>;

  constructor(private readonly options: ModelGatewayOptions) {
    this.clients = new Map(options.providers.map((provider) => [provider.name, createOpenAiClient({ ...provider, timeoutMs: options.timeoutMs })]));
  }

  /** The first model that answers; a non-retryable failure (400, 401, content policy) ends the chain where it happens. */
  async complete(chain: readonly string[], request: ChatRequest, signal: AbortSignal): Promise<ModelAnswer> {
    const calls: ModelCallRecord[] = [];
    let failure: ApplicationFailure | undefined;
    for (const name of chain) {
      const resolved = resolveModel(this.options.providers, name);
      if (!resolved) {
        const message = `no configured provider offers the model "${name}"`;
        // A provider's failure earlier in the chain says more than a name the configuration has dropped.
        failure ??= ApplicationFailure.create({ type: FAILURE_TYPES.modelNotOffered, message, nonRetryable: true });
        calls.push({ provider: '', model: name, outcome: 'failed', error: { type: FAILURE_TYPES.modelNotOffered, message }, tokens: 0, durationMs: 0 });
        continue;
      }
      const client = this.clients.get(resolved.provider) as OpenAI;
      const started = Date.now();
      try {
        const completion = await this.options.breakers
          .for(modelProviderTarget(resolved.provider))
          .execute(() => client.chat.completions.create({ ...request, model: resolved.model }, { signal }), signal);
        calls.push({ ...resolved, outcome: 'succeeded', tokens: completion.usage?.total_tokens ?? 0, durationMs: Date.now() - started });
        this.options.onUsage?.({ ...resolved, promptTokens: completion.usage?.prompt_tokens ?? 0, completionTokens: completion.usage?.completion_tokens ?? 0 });
        return { completion, calls };
      } catch (error) {
        if (signal.aborted) throw error;
        failure = classifyError(error);
        calls.push({ ...resolved, outcome: 'failed', error: { type: failure.type ?? 'Error', message: failure.message }, tokens: 0, durationMs: Date.now() - started });
        if (!this.fallsBack(failure)) break;
      }
    }
    throw new ModelChainFailed(calls, failure ?? ApplicationFailure.create({ type: FAILURE_TYPES.modelNotConfigured, message: 'the model chain is empty', nonRetryable: true }));
  }

  private fallsBack(failure: ApplicationFailure): boolean {
    if (failure.nonRetryable) return false;
    if (failure.type !== FAILURE_TYPES.rateLimited) return true;
    return failure.nextRetryDelay == null || msToNumber(failure.nextRetryDelay) > this.options.rateLimitWaitMs;
  }
}
