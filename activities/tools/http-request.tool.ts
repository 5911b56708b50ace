import type { HttpRequestArgs, JsonValue } from '@flowmate/contracts';
import type { GuardedHttpClient } from '@flowmate/integrations';
import type { ToolExecutor } from './tool-executor';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const createHttpRequestTool =
  (http: GuardedHttpClient): ToolExecutor =>
  async (args, { signal, idempotencyKey }) => {
    const request = args as unknown as HttpRequestArgs;
    const headers = { ...request.headers };
    if (UNSAFE_METHODS.has(request.method) && !Object.keys(headers).some((name) => name.toLowerCase() === 'idempotency-key')) {
      headers['Idempotency-Key'] = idempotencyKey;
    }
    const response = await http.request({ ...request, headers, signal });
    return response as unknown as JsonValue;
  };
