import type { JsonObject, JsonValue } from '@flowmate/contracts';

export interface ToolCallContext {
  /** Aborts when Temporal cancels the activity. */
  signal: AbortSignal;
  /** Stable across retries of one step: run id + step key. */
  idempotencyKey: string;
}

/** `args` have already passed the tool's JSON Schema (`checkResolvedArgs`), so executors may read them as their typed shape. */
export type ToolExecutor = (args: JsonObject, context: ToolCallContext) => Promise<JsonValue>;
