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
  type ProviderRoute,
} from './provider-fake';

export interface SlackChannel {
  id: string;
  name: string;
  is_private?: boolean;
  is_archived?: boolean;
  num_members?: number;
}

export interface SlackPost {
  /** The channel's id, whatever name the call used. */
  channel: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  ts: string;
}

export interface SlackTokenBundle extends OAuthBundle {
  token_type?: string;
  bot_user_id?: string;
  team?: { id: string; name: string };
}

export interface SlackFakeOptions {
  tokens?: string[];
  team?: { id: string; name: string };
  /** The bot user the tokens belong to. */
  user?: { id: string; name: string };
  channels?: SlackChannel[];
  oauth?: OAuthAppOptions;
}

export interface SlackFake extends ProviderFake {
  /** `http://127.0.0.1:<port>/api/`, for `slackApiUrl`. */
  url: string;
  team: { id: string; name: string };
  user: { id: string; name: string };
  channels: SlackChannel[];
  posted: SlackPost[];
  oauth: FakeOAuth<SlackTokenBundle>;
}

const ok = (body: Record<string, unknown>): FixtureResponse => ({ body: { ok: true, ...body } });

/** Slack refuses with HTTP 200 and `ok: false`. */
export const slackError = (error: string): FixtureResponse => ({ body: { ok: false, error } });

/** Slack's 429: only the Retry-After header tells the client when to come back. */
export const slackRateLimited = (retryAfterSeconds = 1): FixtureResponse => ({
  status: 429,
  headers: { 'retry-after': String(retryAfterSeconds) },
  body: { ok: false, error: 'ratelimited' },
});

/** Blocks arrive as a JSON string in a form body, as an array in a JSON one; each needs a `type`. */
function parseBlocks(value: unknown): unknown[] | 'invalid_blocks' | 'invalid_blocks_format' {
  let blocks = value;
  if (typeof value === 'string') {
    try {
      blocks = JSON.parse(value) as unknown;
    } catch {
      return 'invalid_blocks_format';
    }
  }
  return Array.isArray(blocks) && blocks.every((block) => isRecord(block) && typeof block.type === 'string') ? blocks : 'invalid_blocks';
}

/** The Slack Web API (`POST /api/<method>`, form or JSON bodies) with `oauth.v2.access`. */
export async function startSlackFake(options: SlackFakeOptions = {}): Promise<SlackFake> {
  const tokens = new Set(options.tokens ?? [FAKE_TOKEN]);
  const team = options.team ?? { id: 'T0FAKE0001', name: 'Fake Team' };
  const user = options.user ?? { id: 'U0FAKEBOT1', name: 'flowmate' };
  const channels = options.channels ?? [
    { id: 'C0GENERAL1', name: 'general', num_members: 3 },
    { id: 'C0RANDOM01', name: 'random', num_members: 2 },
  ];
  const posted: SlackPost[] = [];
  const oauth = fakeOAuth<SlackTokenBundle>(options.oauth);
  let messages = 0;

  const method = (name: string, handler: ProviderHandler, anonymous = false): ProviderRoute => ({ method: 'POST', pattern: `/api/${name}`, handler, anonymous });

  const resolveChannel = (reference: string): SlackChannel | undefined =>
    channels.find((channel) => channel.id === reference || channel.name === reference.replace(/^#/, ''));

  const postMessage: ProviderHandler = (request) => {
    const fields = request.fields();
    const channel = resolveChannel(text(fields.channel) ?? '');
    if (!channel) return slackError('channel_not_found');
    if (channel.is_archived) return slackError('is_archived');
    const blocks = fields.blocks === undefined ? undefined : parseBlocks(fields.blocks);
    if (typeof blocks === 'string') return slackError(blocks);
    const message = text(fields.text);
    if (!message && !blocks) return slackError('no_text');
    messages += 1;
    const ts = `1700000000.${String(100 + messages).padStart(6, '0')}`;
    const threadTs = text(fields.thread_ts);
    posted.push({ channel: channel.id, text: message, blocks, ts, ...(threadTs ? { thread_ts: threadTs } : {}) });
    return ok({ channel: channel.id, ts, message: { type: 'message', user: user.id, text: message ?? '', ts, ...(blocks ? { blocks } : {}) } });
  };

  const listConversations: ProviderHandler = (request) => {
    const fields = request.fields();
    const cursor = text(fields.cursor);
    const offset = cursor ? decodeCursor(cursor) : 0;
    if (offset === undefined) return slackError('invalid_cursor');
    const limit = Math.min(1000, Number(fields.limit) || 100);
    const types = (text(fields.types) ?? 'public_channel').split(',');
    const excludeArchived = text(fields.exclude_archived) === 'true';
    const listed = channels.filter(
      (channel) => types.includes(channel.is_private ? 'private_channel' : 'public_channel') && !(excludeArchived && channel.is_archived),
    );
    const next = offset + limit < listed.length ? encodeCursor(offset + limit) : '';
    return ok({
      channels: listed.slice(offset, offset + limit).map((channel) => ({
        id: channel.id,
        name: channel.name,
        is_channel: !channel.is_private,
        is_private: channel.is_private ?? false,
        is_archived: channel.is_archived ?? false,
        is_member: true,
        num_members: channel.num_members ?? 1,
      })),
      response_metadata: { next_cursor: next },
    });
  };

  const oauthAccess: ProviderHandler = (request) => {
    const outcome = redeemGrant(oauth, request.fields(), tokens, { rotating: true });
    if ('refused' in outcome) {
      const errors = { client_id: 'invalid_client_id', client_secret: 'bad_client_secret', code: 'invalid_code', refresh_token: 'invalid_refresh_token' };
      return slackError(errors[outcome.refused]);
    }
    return ok({
      app_id: 'A0FAKEAPP1',
      authed_user: { id: 'U0FAKEUSER' },
      scope: 'chat:write,channels:read,groups:read',
      token_type: 'bot',
      bot_user_id: user.id,
      team,
      enterprise: null,
      is_enterprise_install: false,
      ...outcome.bundle,
    });
  };

  const fake = await startProviderFake({
    tokens,
    tokenOf: (request) => authorizationToken(request) ?? text(request.fields().token),
    unauthorized: (_request, token) => slackError(token === undefined ? 'not_authed' : 'invalid_auth'),
    notFound: () => ({ status: 404, body: { ok: false, error: 'unknown_method' } }),
    routes: [
      method('auth.test', () => ok({ url: `https://${team.name.toLowerCase().replace(/\W+/g, '-')}.slack.com/`, team: team.name, user: user.name, team_id: team.id, user_id: user.id })),
      method('chat.postMessage', postMessage),
      method('conversations.list', listConversations),
      method('oauth.v2.access', oauthAccess, true),
    ],
  });

  return { ...fake, url: `${fake.origin}/api/`, team, user, channels, posted, oauth };
}
