import type { IntegrationProvider, IntegrationToolName, JsonObject, JsonValue } from '@flowmate/contracts';

/** What a call of an integration tool gets besides its arguments: the user's connection, resolved at call time. */
export interface IntegrationCall {
  accessToken: string;
  /** The provider's id of the connected account, where its API needs one (Instagram's user id). */
  accountId?: string;
  signal: AbortSignal;
  /** Stable across retries of one step; sent where the API honours one. */
  idempotencyKey: string;
}

/** Arguments have passed the tool's JSON Schema, so a tool may read them as their typed shape. */
export type IntegrationTool = (args: JsonObject, call: IntegrationCall) => Promise<JsonValue>;

export type IntegrationTools<Name extends IntegrationToolName> = Record<Name, IntegrationTool>;

/** Operator-set API base URLs by provider (never from a user): self-hosted servers and test fakes. */
export type IntegrationEndpoints = Record<IntegrationProvider, string>;

/** A tool whose errors pass through its provider's classification (`GitHubNotFound`, `RateLimited`, …). */
export const classifiedTool =
  <Args>(failureOf: (error: unknown) => unknown, run: (args: Args, call: IntegrationCall) => Promise<JsonObject>): IntegrationTool =>
  async (args, call) => {
    try {
      return await run(args as unknown as Args, call);
    } catch (error) {
      throw failureOf(error);
    }
  };
