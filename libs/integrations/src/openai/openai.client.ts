import OpenAI from 'openai';

export interface OpenAiClientOptions {
  /** Absent for local OpenAI-compatible servers (Ollama, vLLM, LM Studio) that ask for none. */
  apiKey?: string;
  /** Any OpenAI-compatible server; OpenAI's own when absent. */
  baseUrl?: string;
  timeoutMs?: number;
}

/** The `openai` client with its own retries off: Temporal retries model calls, as `classifyError` decides. */
export function createOpenAiClient({ apiKey, baseUrl, timeoutMs = 60_000 }: OpenAiClientOptions): OpenAI {
  return new OpenAI({ apiKey: apiKey ?? 'none', baseURL: baseUrl, maxRetries: 0, timeout: timeoutMs });
}
