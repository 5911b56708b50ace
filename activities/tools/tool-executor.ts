import type { JsonObject, JsonValue } from '@flowmate/contracts';

export interface ToolCallContext {
  /** Aborts when Temporal cancels the activity. */
  signal: AbortSignal;
  /** Stable across retries of one step: run id + step key. */
  idempotencyKey: string;
}

export type ToolExecutor = (args: JsonObject, context: ToolCallContext) => Promise<JsonValue>;
