import type { JsonValue } from '@flowmate/contracts';
import { startHttpFixture, type FixtureResponse, type RecordedRequest } from './http-fixture';

/** What a test needs of a chat-completions request: the model, the messages, the tools offered, the format asked. */
export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content?: string | null; tool_calls?: unknown[]; tool_call_id?: string }>;
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: JsonValue } }>;
  response_format?: { type: string };
}

export interface ScriptedToolCall {
  id: string;
  name: string;
  /** As the model sends it: a JSON string, possibly malformed. */
  arguments: string;
}

export interface OpenAiFake {
  /** For the `openai` client's `baseURL` (and OPENAI_BASE_URL). */
  baseUrl: string;
  requests: ChatRequest[];
  /** The same calls as they arrived on the wire, with `abandoned` when the client hung up first. */
  received: RecordedRequest[];
  close(): Promise<void>;
}

/** A reply of the scripted model: a final answer or tool calls, with the token usage a real server reports. */
export function chatCompletion({ content = null, toolCalls = [], promptTokens = 10, completionTokens = 5 }: {
  content?: string | null;
  toolCalls?: ScriptedToolCall[];
  promptTokens?: number;
  completionTokens?: number;
}): FixtureResponse {
  return {
    body: {
      id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: 'fake-model',
      choices: [
        {
          index: 0,
          finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
          message: {
            role: 'assistant',
            content,
            ...(toolCalls.length > 0
              ? { tool_calls: toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) }
              : {}),
          },
        },
      ],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    },
  };
}

/** An error the way OpenAI-compatible servers send one. */
export function chatError(status: number, code: string, headers: Record<string, string> = {}): FixtureResponse {
  return { status, headers, body: { error: { message: `scripted ${status}`, type: 'invalid_request_error', code } } };
}

/** `GET /v1/models` as OpenAI answers it, listing these ids. */
export function modelList(ids: readonly string[]): FixtureResponse {
  return { body: { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' })) } };
}

/**
 * An OpenAI-compatible server on 127.0.0.1 speaking the real wire protocol (`POST /v1/chat/completions`,
 * and `GET /v1/models` when `models` scripts it), answering each call from `script` (the parsed request and
 * its 0-based index).
 */
export async function startOpenAiFake(
  script: (request: ChatRequest, index: number) => FixtureResponse | Promise<FixtureResponse>,
  { models }: { models?: () => FixtureResponse } = {},
): Promise<OpenAiFake> {
  const requests: ChatRequest[] = [];
  const fixture = await startHttpFixture({
    'POST /v1/chat/completions': (recorded) => {
      const request = JSON.parse(recorded.body) as ChatRequest;
      requests.push(request);
      return script(request, requests.length - 1);
    },
    ...(models ? { 'GET /v1/models': () => models() } : {}),
  });
  return { baseUrl: `${fixture.url}/v1`, requests, received: fixture.requests, close: () => fixture.close() };
}
