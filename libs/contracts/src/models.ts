/**
 * A model, or a fallback chain of them: the first is asked; when its provider fails in a way worth retrying
 * (5xx, timeout, connection refused, 429 past its wait budget, an open circuit breaker), the next one is.
 */
export type ModelChoice = string | string[];

/** What model resolution needs of a configured OpenAI-compatible provider. */
export interface ModelOffer {
  /** Lower-case, unique: `openai`, `local`. */
  name: string;
  /** The model names it serves; absent when it serves whatever it is asked for. */
  models?: readonly string[];
}

/** Which provider serves a model name, and the name that provider knows it by. */
export interface ResolvedModel {
  provider: string;
  model: string;
}

export const MODEL_CHAIN_LIMIT = 5;

/** A choice as the chain it stands for: the choice itself, or the configured default when there is none. */
export function modelChain(choice: ModelChoice | undefined, defaultChain: readonly string[]): string[] {
  if (choice === undefined) return [...defaultChain];
  return typeof choice === 'string' ? [choice] : [...choice];
}

/**
 * A name a provider lists; then `<provider>/<model>` for a provider that lists that model or none; then the
 * first provider that lists none (it takes any name). Undefined when no provider offers it.
 */
export function resolveModel(providers: readonly ModelOffer[], name: string): ResolvedModel | undefined {
  const listing = providers.find((provider) => provider.models?.includes(name));
  if (listing) return { provider: listing.name, model: name };
  const slash = name.indexOf('/');
  if (slash > 0) {
    const prefixed = providers.find((provider) => provider.name === name.slice(0, slash));
    const model = name.slice(slash + 1);
    if (prefixed && (!prefixed.models || prefixed.models.includes(model))) return { provider: prefixed.name, model };
  }
  const open = providers.find((provider) => !provider.models);
  return open ? { provider: open.name, model: name } : undefined;
}

/** One call to one model of a chain, as its step records it: which answered, which failed and why. */
export interface ModelCallRecord {
  provider: string;
  model: string;
  outcome: 'succeeded' | 'failed';
  /** The failure's type and message (`LlmServerError`, `CircuitOpen`, …) when it failed. */
  error?: { type: string; message: string };
  /** Tokens the provider reported; a failed call usually reports none. */
  tokens: number;
  durationMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

/** A circuit breaker's state as a worker reports it (on every transition). */
export interface CircuitBreakerReport {
  /** `model:<provider>`, or an integration's host. */
  target: string;
  state: BreakerState;
  openedAt: string | null;
  /** While open: when the next call may probe. */
  reopensAt: string | null;
  lastError: { type: string; message: string } | null;
}

/** The breaker target of a model provider. */
export const modelProviderTarget = (provider: string): string => `model:${provider}`;
