import { FAILURE_TYPES, MAX_RESULTS, type JsonObject } from '@flowmate/contracts';
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { parseRetryAfter } from '../../http/retry-after';
import { classifiedTool, type IntegrationCall, type IntegrationTools } from '../integration-tool';
import { providerFailure } from '../provider-failure';

type GoogleToolName = 'gmail.searchMessages' | 'gmail.sendMessage' | 'calendar.listEvents' | 'calendar.createEvent';

/** Google's per-request errors carry a reason; these say "wait", these say "not today". */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const QUOTA_REASONS = new Set(['dailyLimitExceeded', 'quotaExceeded']);

const METADATA_FETCHES_AT_ONCE = 10;

interface GoogleErrorBody {
  error?: { message?: string; errors?: Array<{ reason?: string }> };
}

interface AnsweredError {
  name?: string;
  message?: string;
  response?: { status: number; data?: unknown; headers?: { get?: (name: string) => string | null } & Record<string, unknown> };
}

/**
 * The googleapis client options every call shares: the operator's root URL, the caller's token, no client
 * retries, and Node's own fetch (gaxios would otherwise load node-fetch through a dynamic import).
 */
function options(apiUrl: string, { accessToken, signal }: Pick<IntegrationCall, 'accessToken' | 'signal'>) {
  return { rootUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`, retry: false, headers: { Authorization: `Bearer ${accessToken}` }, signal, fetchImplementation: fetch };
}

export function googleFailure(error: unknown): unknown {
  const { response, name, message } = (error ?? {}) as AnsweredError;
  if (!response) {
    return name === 'GaxiosError' ? ApplicationFailure.create({ type: FAILURE_TYPES.network, message: `Google could not be reached: ${message ?? ''}`.trim() }) : error;
  }
  const body = (response.data ?? {}) as GoogleErrorBody;
  const reason = body.error?.errors?.[0]?.reason;
  const retryAfter = typeof response.headers?.get === 'function' ? response.headers.get('retry-after') : (response.headers?.['retry-after'] as string | undefined);
  return providerFailure('Google', {
    status: response.status,
    detail: body.error?.message,
    rateLimited: reason !== undefined && RATE_LIMIT_REASONS.has(reason),
    retryAfterMs: parseRetryAfter(retryAfter),
    reason: reason !== undefined && QUOTA_REASONS.has(reason) ? 'QuotaExceeded' : undefined,
  });
}

const withGoogle = <Args>(run: (args: Args, call: IntegrationCall) => Promise<JsonObject>) => classifiedTool<Args>(googleFailure, run);

/** A header value may not start a new header: an address or subject with a line break is refused, not sent. */
function headerValue(name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw ApplicationFailure.create({ type: FAILURE_TYPES.invalidToolArguments, message: `${name} may not contain a line break`, nonRetryable: true });
  return value;
}

const encodedWord = (text: string): string => (/^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`);

/** A plain-text RFC 2822 message, base64url as Gmail's `raw` wants it. */
export function rawMessage({ to, subject, body }: { to: string; subject: string; body: string }): string {
  const message = [
    `To: ${headerValue('to', to)}`,
    `Subject: ${encodedWord(headerValue('subject', subject))}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(body, 'utf8').toString('base64'),
  ].join('\r\n');
  return Buffer.from(message, 'utf8').toString('base64url');
}

/**
 * A Calendar event id derived from the step's idempotency key (base32hex, as Calendar requires), so a retried
 * insert meets its own earlier event (409) instead of making a second one.
 */
export function eventIdOf(idempotencyKey: string): string {
  const digits = '0123456789abcdefghijklmnopqrstuv';
  return [...createHash('sha256').update(idempotencyKey).digest()].map((byte) => digits[byte % 32]).join('');
}

const header = (message: gmail_v1.Schema$Message, name: string): string | null =>
  message.payload?.headers?.find((entry) => entry.name?.toLowerCase() === name.toLowerCase())?.value ?? null;

async function mapInBatches<T, R>(items: readonly T[], size: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) results.push(...(await Promise.all(items.slice(start, start + size).map(map))));
  return results;
}

const eventTime = (time: calendar_v3.Schema$EventDateTime | undefined): string | null => time?.dateTime ?? time?.date ?? null;

export function createGoogleTools({ apiUrl }: { apiUrl: string }): IntegrationTools<GoogleToolName> {
  return {
    'gmail.searchMessages': withGoogle(async ({ query, maxResults = MAX_RESULTS.default }: { query: string; maxResults?: number }, call) => {
      const api = gmail({ version: 'v1', ...options(apiUrl, call) });
      const ids: gmail_v1.Schema$Message[] = [];
      let pageToken: string | undefined;
      do {
        const { data } = await api.users.messages.list({ userId: 'me', q: query, maxResults: Math.min(500, maxResults - ids.length), pageToken });
        ids.push(...(data.messages ?? []).slice(0, maxResults - ids.length));
        pageToken = data.nextPageToken ?? undefined;
      } while (pageToken && ids.length < maxResults);
      const messages = await mapInBatches(ids, METADATA_FETCHES_AT_ONCE, async ({ id }) =>
        (await api.users.messages.get({ userId: 'me', id: id as string, format: 'metadata', metadataHeaders: ['Subject', 'From', 'Date'] })).data,
      );
      return {
        items: messages.map((message) => ({
          id: message.id ?? null,
          threadId: message.threadId ?? null,
          subject: header(message, 'Subject'),
          from: header(message, 'From'),
          date: header(message, 'Date'),
          snippet: message.snippet ?? null,
        })),
      };
    }),
    'gmail.sendMessage': withGoogle(async (args: { to: string; subject: string; body: string }, call) => {
      const api = gmail({ version: 'v1', ...options(apiUrl, call) });
      const { data } = await api.users.messages.send({ userId: 'me', requestBody: { raw: rawMessage(args) } });
      return { id: data.id ?? null };
    }),
    'calendar.listEvents': withGoogle(
      async (
        { calendarId = 'primary', maxResults = MAX_RESULTS.default, ...window }: { calendarId?: string; timeMin?: string; timeMax?: string; withinHours?: number; maxResults?: number },
        call,
      ) => {
        const api = calendar({ version: 'v3', ...options(apiUrl, call) });
        const { timeMin, timeMax } = eventWindow(window);
        const events: calendar_v3.Schema$Event[] = [];
        let pageToken: string | undefined;
        do {
          const { data } = await api.events.list({ calendarId, timeMin, timeMax, maxResults: Math.min(250, maxResults - events.length), pageToken, singleEvents: true, orderBy: 'startTime' });
          events.push(...(data.items ?? []).slice(0, maxResults - events.length));
          pageToken = data.nextPageToken ?? undefined;
        } while (pageToken && events.length < maxResults);
        return {
          items: events.map((event) => ({
            id: event.id ?? null,
            summary: event.summary ?? null,
            start: eventTime(event.start),
            end: eventTime(event.end),
            url: event.htmlLink ?? null,
            attendees: (event.attendees ?? []).map((attendee) => attendee.email ?? ''),
          })),
        };
      },
    ),
    'calendar.createEvent': withGoogle(
      async ({ calendarId = 'primary', summary, start, end, attendees }: { calendarId?: string; summary: string; start: string; end: string; attendees?: string[] }, call) => {
        const api = calendar({ version: 'v3', ...options(apiUrl, call) });
        const id = eventIdOf(call.idempotencyKey);
        try {
          const { data } = await api.events.insert({
            calendarId,
            requestBody: { id, summary, start: { dateTime: start }, end: { dateTime: end }, attendees: attendees?.map((email) => ({ email })) },
          });
          return { id: data.id ?? id, htmlLink: data.htmlLink ?? null };
        } catch (error) {
          if ((error as AnsweredError).response?.status !== 409) throw error;
          // An earlier attempt created it and died before its result was stored.
          const { data } = await api.events.get({ calendarId, eventId: id });
          return { id: data.id ?? id, htmlLink: data.htmlLink ?? null };
        }
      },
    ),
  };
}

/** `withinHours` is the window from the moment of the call, for agents that run on a schedule ("today's events"). */
function eventWindow({ timeMin, timeMax, withinHours }: { timeMin?: string; timeMax?: string; withinHours?: number }): { timeMin?: string; timeMax?: string } {
  if (withinHours === undefined) return { timeMin, timeMax };
  const now = Date.now();
  return { timeMin: new Date(now).toISOString(), timeMax: new Date(now + withinHours * 3600 * 1000).toISOString() };
}
