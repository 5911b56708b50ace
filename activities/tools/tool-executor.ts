import type { JsonObject, JsonValue, ModelCallRecord } from '@flowmate/contracts';
import type { Connection } from '../credential-vault';

export interface ToolCallContext {
  /** Aborts when Temporal cancels the activity. */
  signal: AbortSignal;
  /** Stable across retries of one step: run id + step key. */
  idempotencyKey: string;
  /** Integration tools: the run owner's connection to the tool's provider. */
  connection?: Connection;
  /** A tool that asks a model reports the calls its chain made, so the step records them and their tokens. */
  onModelCalls(calls: readonly ModelCallRecord[]): void;
}

/** `args` have already passed the tool's JSON Schema (`checkResolvedArgs`), so executors may read them as their typed shape. */
export type ToolExecutor = (args: JsonObject, context: ToolCallContext) => Promise<JsonValue>;
