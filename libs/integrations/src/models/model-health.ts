import type { ModelProviderConfig } from '@flowmate/config';
import OpenAI from 'openai';
import { classifyError } from '../errors/classify-error';
import { createOpenAiClient } from '../openai/openai.client';

export interface ProviderHealth {
  provider: string;
  healthy: boolean;
  latencyMs: number | null;
  checkedAt: string;
  lastError: string | null;
  /** The models the provider's `/models` listed; absent when it has no such endpoint. */
  listed?: string[];
}

export interface ModelHealthOptions {
  providers: readonly ModelProviderConfig[];
  /** The model a provider without `/models` is asked for one token of. */
  probeModelOf: (provider: string) => string | undefined;
  cacheMs?: number;
  /** No check holds a request longer than this. */
  budgetMs?: number;
}

/**
 * Each provider's health, from its `/models` endpoint (or a one-token completion where that is missing),
 * cached so that a burst of `GET /models` makes one check per provider per cache window.
 */
export class ModelHealthMonitor {
  private readonly clients: Map<string, OpenAI>;
  private readonly checks = new Map<string, { at: number; health: Promise<ProviderHealth> }>();
  private readonly cacheMs: number;
  private readonly budgetMs: number;

  constructor(private readonly options: ModelHealthOptions) {
    this.cacheMs = options.cacheMs ?? 30_000;
    this.budgetMs = options.budgetMs ?? 2_000;
    this.clients = new Map(options.providers.map((provider) => [provider.name, createOpenAiClient({ ...provider, timeoutMs: this.budgetMs })]));
  }

  async providers(): Promise<ProviderHealth[]> {
    return Promise.all(this.options.providers.map((provider) => this.provider(provider.name)));
  }

  /** A check younger than the cache window, or one still running, is shared. */
  provider(name: string): Promise<ProviderHealth> {
    const cached = this.checks.get(name);
    if (cached && Date.now() - cached.at < this.cacheMs) return cached.health;
    const health = this.check(name);
    this.checks.set(name, { at: Date.now(), health });
    return health;
  }

  private async check(name: string): Promise<ProviderHealth> {
    const client = this.clients.get(name) as OpenAI;
    const started = Date.now();
    const done = (fields: Pick<ProviderHealth, 'healthy' | 'lastError' | 'listed'>): ProviderHealth => ({
      provider: name,
      latencyMs: Date.now() - started,
      checkedAt: new Date().toISOString(),
      ...fields,
    });
    const signal = AbortSignal.timeout(this.budgetMs);
    try {
      const page = await client.models.list({ signal });
      return done({ healthy: true, lastError: null, listed: page.data.map((model) => model.id) });
    } catch (error) {
      if (!(error instanceof OpenAI.NotFoundError)) return done({ healthy: false, lastError: reasonOf(error, signal) });
    }
    const model = this.options.probeModelOf(name);
    if (!model) return done({ healthy: false, lastError: 'the provider has no /models endpoint and no model to probe with' });
    try {
      await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 }, { signal });
      return done({ healthy: true, lastError: null });
    } catch (error) {
      return done({ healthy: false, lastError: reasonOf(error, signal) });
    }
  }
}

function reasonOf(error: unknown, signal: AbortSignal): string {
  return signal.aborted ? 'no answer within the health-check budget' : classifyError(error).message;
}
