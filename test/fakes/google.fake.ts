import {
  FAKE_TOKEN,
  authorizationToken,
  decodeCursor,
  encodeCursor,
  fakeOAuth,
  isRecord,
  redeemGrant,
  startProviderFake,
  text,
  type FakeOAuth,
  type FixtureResponse,
  type OAuthAppOptions,
  type OAuthBundle,
  type ProviderFake,
  type ProviderHandler,
  type ProviderRequest,
} from './provider-fake';

export interface GmailMessage {
  id: string;
  threadId?: string;
  subject: string;
  from: string;
  /** An RFC 2822 date, as in the Date header. */
  date: string;
  snippet?: string;
  labelIds?: string[];
}

export interface SentMail {
  id: string;
  threadId: string;
  to: string;
  subject: string;
  body: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  raw: string;
}

export interface EventTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

export interface CalendarEvent {
  id: string;
  summary?: string;
  status?: string;
  htmlLink?: string;
  start: EventTime;
  end: EventTime;
  attendees?: Array<{ email: string }>;
}

export interface CreatedEvent extends CalendarEvent {
  calendarId: string;
}

export interface GoogleTokenBundle extends OAuthBundle {
  token_type?: string;
  id_token?: string;
}

export interface GoogleFakeOptions {
  tokens?: string[];
  user?: { sub: string; email: string };
  messages?: GmailMessage[];
  /** Keyed by calendar id (`primary` or an e-mail); `primary` exists even when not seeded. */
  events?: Record<string, CalendarEvent[]>;
  oauth?: OAuthAppOptions;
}

export interface GoogleFake extends ProviderFake {
  /** `http://127.0.0.1:<port>/`, for googleapis' `rootUrl` and the OAuth base URL. */
  url: string;
  user: { sub: string; email: string };
  messages: GmailMessage[];
  events: Map<string, CalendarEvent[]>;
  sent: SentMail[];
  createdEvents: CreatedEvent[];
  oauth: FakeOAuth<GoogleTokenBundle>;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

const REASON_MESSAGES: Record<string, string> = {
  notFound: 'Requested entity was not found.',
  rateLimitExceeded: 'Rate Limit Exceeded',
  userRateLimitExceeded: 'User Rate Limit Exceeded',
  dailyLimitExceeded: 'Daily Limit Exceeded',
  backendError: 'Backend Error',
};

const GRANTED_SCOPES = 'openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/gmail.send https://www.googleapis.com/auth/calendar.events';

/** An error as Google's JSON APIs send one (`reason`: notFound, rateLimitExceeded, dailyLimitExceeded, …). */
export function googleError(status: number, reason: string, message = REASON_MESSAGES[reason] ?? reason): FixtureResponse {
  return { status, body: { error: { code: status, message, errors: [{ message, domain: 'global', reason }], status: STATUS_NAMES[status] ?? 'UNKNOWN' } } };
}

/** Google's 401 for a bad token; the userinfo endpoint words it the OAuth way. */
function unauthorized(request: ProviderRequest): FixtureResponse {
  const headers = { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' };
  if (request.path === '/oauth2/v3/userinfo') return { status: 401, headers, body: { error: 'invalid_request', error_description: 'Invalid Credentials' } };
  const message =
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
  return {
    status: 401,
    headers,
    body: {
      error: {
        code: 401,
        message,
        errors: [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }],
        status: 'UNAUTHENTICATED',
      },
    },
  };
}

/** Every word of the query must occur in the message; `from:` and `subject:` look in that header only. */
function matches(message: GmailMessage, query: string): boolean {
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => {
      // Gmail's label operators, as its search reads them.
      if (term === 'is:unread') return (message.labelIds ?? ['INBOX']).includes('UNREAD');
      if (term === 'in:inbox') return (message.labelIds ?? ['INBOX']).includes('INBOX');
      const [, field, word] = /^(from|subject):(.+)$/.exec(term) ?? [undefined, undefined, term];
      const haystack = field === 'from' ? message.from : field === 'subject' ? message.subject : `${message.subject} ${message.from} ${message.snippet ?? ''}`;
      return haystack.toLowerCase().includes(word);
    });
}

/** `=?UTF-8?B?…?=` and `=?UTF-8?Q?…?=` words back to text. */
const decodeWords = (value: string): string =>
  value.replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_word, encoding: string, data: string) =>
    encoding.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_hex, code: string) => String.fromCharCode(parseInt(code, 16))), 'latin1').toString('utf8'),
  );

/** A single-part RFC 2822 message: its (unfolded, lower-case) headers and its decoded body. */
function parseRfc2822(raw: string): { headers: Record<string, string>; body: string } {
  const message = Buffer.from(raw, 'base64url').toString('utf8');
  const split = message.search(/\r?\n\r?\n/);
  const head = split < 0 ? message : message.slice(0, split);
  const encodedBody = split < 0 ? '' : message.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const transfer = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  const body =
    transfer === 'base64'
      ? Buffer.from(encodedBody.replace(/\s+/g, ''), 'base64').toString('utf8')
      : transfer === 'quoted-printable'
        ? Buffer.from(encodedBody.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_hex, code: string) => String.fromCharCode(parseInt(code, 16))), 'latin1').toString('utf8')
        : encodedBody;
  return { headers, body };
}

const timeOf = (time: EventTime | undefined): number => Date.parse(time?.dateTime ?? time?.date ?? '');

/** Offset pagination with Google's `pageToken` / `nextPageToken`; undefined for a token it never issued. */
function page<T>(request: ProviderRequest, items: T[], defaultSize: number, maxSize: number): { items: T[]; nextPageToken?: string } | undefined {
  const token = request.query.get('pageToken');
  const offset = token ? decodeCursor(token) : 0;
  if (offset === undefined) return undefined;
  const size = Math.min(maxSize, Number(request.query.get('maxResults')) || defaultSize);
  return { items: items.slice(offset, offset + size), ...(offset + size < items.length ? { nextPageToken: encodeCursor(offset + size) } : {}) };
}

const invalidPageToken = (): FixtureResponse => googleError(400, 'invalid', 'Invalid page token value.');

/** Gmail, Calendar, userinfo and Google's OAuth token endpoint on one server, as googleapis reaches them through `rootUrl`. */
export async function startGoogleFake(options: GoogleFakeOptions = {}): Promise<GoogleFake> {
  const tokens = new Set(options.tokens ?? [FAKE_TOKEN]);
  const user = options.user ?? { sub: '110000000000000000001', email: 'user@example.com' };
  const messages = options.messages ?? [];
  const events = new Map(Object.entries(options.events ?? {}));
  const sent: SentMail[] = [];
  const createdEvents: CreatedEvent[] = [];
  const oauth = fakeOAuth<GoogleTokenBundle>(options.oauth);
  let ids = 0;
  const nextId = (): string => (0x18c2f0a1b2c30000n + BigInt((ids += 1))).toString(16);

  const calendarOf = (calendarId: string): CalendarEvent[] | undefined => events.get(calendarId) ?? (calendarId === 'primary' ? [] : undefined);
  const htmlLink = (calendarId: string, id: string): string => `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${calendarId}`).toString('base64url')}`;
  const eventJson = (calendarId: string, event: CalendarEvent) => ({
    kind: 'calendar#event',
    status: 'confirmed',
    htmlLink: htmlLink(calendarId, event.id),
    ...event,
  });

  const listMessages: ProviderHandler = (request) => {
    const matching = messages.filter((message) => matches(message, request.query.get('q') ?? ''));
    const listed = page(request, matching, 100, 500);
    if (!listed) return invalidPageToken();
    return {
      body: {
        ...(listed.items.length > 0 ? { messages: listed.items.map(({ id, threadId }) => ({ id, threadId: threadId ?? id })) } : {}),
        ...(listed.nextPageToken ? { nextPageToken: listed.nextPageToken } : {}),
        resultSizeEstimate: matching.length,
      },
    };
  };

  const getMessage: ProviderHandler = (request) => {
    const message = messages.find(({ id }) => id === request.params.id);
    if (!message) return googleError(404, 'notFound');
    const wanted = request.query.getAll('metadataHeaders').flatMap((names) => names.split(',')).map((name) => name.trim().toLowerCase());
    const headers = [
      { name: 'Subject', value: message.subject },
      { name: 'From', value: message.from },
      { name: 'Date', value: message.date },
    ].filter(({ name }) => wanted.length === 0 || wanted.includes(name.toLowerCase()));
    return {
      body: {
        id: message.id,
        threadId: message.threadId ?? message.id,
        labelIds: message.labelIds ?? ['INBOX'],
        snippet: message.snippet ?? '',
        internalDate: String(Date.parse(message.date) || 0),
        payload: { mimeType: 'text/plain', headers },
      },
    };
  };

  const sendMessage: ProviderHandler = (request) => {
    const fields = request.json();
    const raw = isRecord(fields) ? text(fields.raw) : undefined;
    if (!raw) return googleError(400, 'invalidArgument', "'raw' RFC822 payload message string or uploading message via /upload/* URL required");
    const { headers, body } = parseRfc2822(raw);
    const id = nextId();
    sent.push({ id, threadId: id, to: headers.to ?? '', subject: headers.subject ?? '', body, headers, raw });
    return { body: { id, threadId: id, labelIds: ['SENT'] } };
  };

  const listEvents: ProviderHandler = (request) => {
    const calendarId = request.params.calendarId;
    const calendar = calendarOf(calendarId);
    if (!calendar) return googleError(404, 'notFound', 'Not Found');
    const timeMin = Date.parse(request.query.get('timeMin') ?? '');
    const timeMax = Date.parse(request.query.get('timeMax') ?? '');
    // As Calendar filters: timeMin bounds an event's end, timeMax its start, both exclusive.
    let selected = calendar.filter((event) => !(timeOf(event.end) <= timeMin) && !(timeOf(event.start) >= timeMax));
    if (request.query.get('orderBy') === 'startTime') selected = [...selected].sort((a, b) => timeOf(a.start) - timeOf(b.start));
    const listed = page(request, selected, 250, 2500);
    if (!listed) return invalidPageToken();
    return {
      body: {
        kind: 'calendar#events',
        summary: calendarId === 'primary' ? user.email : calendarId,
        timeZone: 'UTC',
        items: listed.items.map((event) => eventJson(calendarId, event)),
        ...(listed.nextPageToken ? { nextPageToken: listed.nextPageToken } : {}),
      },
    };
  };

  /** A client-chosen id must be base32hex (a–v, 0–9), and unique in the calendar: a retried insert gets 409. */
  const insertEvent: ProviderHandler = (request) => {
    const calendarId = request.params.calendarId;
    const calendar = calendarOf(calendarId);
    if (!calendar) return googleError(404, 'notFound', 'Not Found');
    const fields = request.json();
    if (!isRecord(fields) || !isRecord(fields.start)) return googleError(400, 'required', 'Missing start time.');
    if (!isRecord(fields.end)) return googleError(400, 'required', 'Missing end time.');
    const id = text(fields.id) ?? `fakeevent${nextId()}`;
    if (!/^[a-v0-9]{5,1024}$/.test(id)) return googleError(400, 'invalid', 'Invalid resource id value.');
    if (calendar.some((event) => event.id === id)) return googleError(409, 'duplicate', 'The requested identifier already exists.');
    const attendees = Array.isArray(fields.attendees) ? fields.attendees.filter(isRecord).map((attendee) => ({ email: text(attendee.email) ?? '' })) : undefined;
    const event: CalendarEvent = {
      id,
      status: 'confirmed',
      htmlLink: htmlLink(calendarId, id),
      summary: text(fields.summary),
      start: fields.start as EventTime,
      end: fields.end as EventTime,
      ...(attendees ? { attendees } : {}),
    };
    events.set(calendarId, [...calendar, event]);
    createdEvents.push({ calendarId, ...event });
    const now = new Date().toISOString();
    return { body: { ...eventJson(calendarId, event), created: now, updated: now, organizer: { email: user.email, self: true } } };
  };

  const getEvent: ProviderHandler = ({ params: { calendarId, eventId } }) => {
    const event = calendarOf(calendarId)?.find(({ id }) => id === eventId);
    return event ? { body: eventJson(calendarId, event) } : googleError(404, 'notFound', 'Not Found');
  };

  /** Google refuses a grant with HTTP 400 `invalid_grant`, a client with 401 `invalid_client`; refreshing never rotates. */
  const token: ProviderHandler = (request) => {
    const fields = request.fields();
    const grantType = text(fields.grant_type);
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grantType ?? ''}` } };
    }
    const outcome = redeemGrant(oauth, fields, tokens, { rotating: false });
    if ('refused' in outcome) {
      if (outcome.refused === 'client_id') return { status: 401, body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' } };
      if (outcome.refused === 'client_secret') return { status: 401, body: { error: 'invalid_client', error_description: 'Unauthorized' } };
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } };
    }
    const { refresh_token, ...bundle } = outcome.bundle;
    return { body: { expires_in: 3599, scope: GRANTED_SCOPES, token_type: 'Bearer', ...bundle, ...(outcome.refreshed || !refresh_token ? {} : { refresh_token }) } };
  };

  const fake = await startProviderFake({
    tokens,
    tokenOf: (request) => authorizationToken(request),
    unauthorized,
    notFound: () => googleError(404, 'notFound', 'Not Found'),
    routes: [
      { method: 'GET', pattern: '/gmail/v1/users/me/messages', handler: listMessages },
      { method: 'GET', pattern: '/gmail/v1/users/me/messages/:id', handler: getMessage },
      { method: 'POST', pattern: '/gmail/v1/users/me/messages/send', handler: sendMessage },
      { method: 'GET', pattern: '/calendar/v3/calendars/:calendarId/events', handler: listEvents },
      { method: 'POST', pattern: '/calendar/v3/calendars/:calendarId/events', handler: insertEvent },
      { method: 'GET', pattern: '/calendar/v3/calendars/:calendarId/events/:eventId', handler: getEvent },
      { method: 'GET', pattern: '/oauth2/v3/userinfo', handler: () => ({ body: { sub: user.sub, email: user.email, email_verified: true } }) },
      { method: 'POST', pattern: '/o/oauth2/token', handler: token, anonymous: true },
    ],
  });

  return { ...fake, url: `${fake.origin}/`, user, messages, events, sent, createdEvents, oauth };
}
