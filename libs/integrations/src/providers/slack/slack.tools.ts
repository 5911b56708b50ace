import { FAILURE_TYPES, MAX_RESULTS, type JsonObject } from '@flowmate/contracts';
import { ErrorCode, LogLevel, WebClient, type WebAPICallError } from '@slack/web-api';
import { ApplicationFailure } from '@temporalio/common';
import { classifiedTool, type IntegrationCall, type IntegrationTools } from '../integration-tool';
import { providerFailure, type ProviderAnswer } from '../provider-failure';

type SlackToolName = 'slack.postMessage' | 'slack.listChannels';

const UNAUTHORIZED = new Set(['not_authed', 'invalid_auth', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission']);
const SERVER_SIDE = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Slack's `error` codes (`channel_not_found`) as failure reasons (`ChannelNotFound`). */
const pascal = (code: string): string => code.split('_').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');

/** The @slack/web-api client with its retries off (Temporal retries), rate-limited calls rejected, the call's cancel wired in. */
export function slackClient(apiUrl: string, { accessToken, signal }: Pick<IntegrationCall, 'accessToken' | 'signal'>): WebClient {
  return new WebClient(accessToken, {
    slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
    timeout: 30_000,
    fetch: (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }),
  });
}

/** Slack answers 200 with `{ok: false, error}` for most refusals; its 429s carry Retry-After. */
export function slackFailure(error: unknown): unknown {
  const coded = error as Partial<WebAPICallError>;
  if (coded.code === ErrorCode.RateLimitedError) {
    return providerFailure('Slack', { status: 429, retryAfterMs: (error as { retryAfter: number }).retryAfter * 1000 });
  }
  if (coded.code === ErrorCode.HTTPError) {
    const { statusCode, headers } = error as { statusCode: number; headers: Record<string, string> };
    return providerFailure('Slack', { status: statusCode, retryAfterMs: Number(headers['retry-after']) * 1000 || undefined });
  }
  if (coded.code === ErrorCode.RequestError) {
    return ApplicationFailure.create({ type: FAILURE_TYPES.network, message: 'Slack could not be reached' });
  }
  if (coded.code === ErrorCode.PlatformError) {
    const code = (error as { data: { error: string } }).data.error;
    return providerFailure('Slack', platformAnswer(code));
  }
  return error;
}

function platformAnswer(code: string): ProviderAnswer {
  if (code === 'ratelimited') return { status: 429, detail: code };
  if (UNAUTHORIZED.has(code)) return { status: 401, detail: code };
  if (code === 'missing_scope') return { status: 403, detail: code };
  if (SERVER_SIDE.has(code)) return { status: 503, detail: code };
  return { status: 400, detail: code, reason: pascal(code) };
}

const withSlack = <Args>(apiUrl: string, run: (client: WebClient, args: Args) => Promise<JsonObject>) =>
  classifiedTool<Args>(slackFailure, (args, call) => run(slackClient(apiUrl, call), args));

export function createSlackTools({ apiUrl }: { apiUrl: string }): IntegrationTools<SlackToolName> {
  return {
    'slack.postMessage': withSlack(apiUrl, async (client, { channel, text, blocks }: { channel: string; text: string; blocks?: unknown[] }) => {
      const answer = await client.chat.postMessage({ channel, text, ...(blocks ? { blocks: blocks as never } : {}) });
      return { channel: answer.channel ?? channel, ts: answer.ts ?? null };
    }),
    'slack.listChannels': withSlack(apiUrl, async (client, { maxResults = MAX_RESULTS.default }: { maxResults?: number }) => {
      const channels: Array<{ id: string | null; name: string | null; private: boolean; members: number | null }> = [];
      let cursor: string | undefined;
      do {
        const page = await client.conversations.list({ limit: Math.min(200, maxResults - channels.length), cursor, types: 'public_channel,private_channel', exclude_archived: true });
        for (const channel of (page.channels ?? []).slice(0, maxResults - channels.length)) {
          channels.push({ id: channel.id ?? null, name: channel.name ?? null, private: channel.is_private ?? false, members: channel.num_members ?? null });
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor && channels.length < maxResults);
      return { items: channels };
    }),
  };
}
