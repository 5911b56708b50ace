import { FAKE_TOKEN, authorizationToken, isRecord, startProviderFake, text, type FixtureResponse, type ProviderFake, type ProviderHandler } from './provider-fake';

export interface XPost {
  id: string;
  text: string;
}

export interface XFakeOptions {
  tokens?: string[];
  user?: { id: string; name: string; username: string };
}

export interface XFake extends ProviderFake {
  user: { id: string; name: string; username: string };
  posts: XPost[];
}

const MAX_POST_LENGTH = 280;

/** X's problem-details error body. */
const problem = (status: number, title: string, detail: string, type = 'about:blank', extra: Record<string, unknown> = {}): FixtureResponse => ({
  status,
  body: { title, detail, type, ...(type === 'about:blank' ? { status } : {}), ...extra },
});

const invalidRequest = (message: string, text: string): FixtureResponse =>
  problem(400, 'Invalid Request', 'One or more parameters to your request was invalid.', 'https://api.twitter.com/2/problems/invalid-request', {
    errors: [{ parameters: { text: [text] }, message }],
  });

/** X's 429; `x-rate-limit-reset` (epoch seconds) says when the window reopens. */
export function xTooManyRequests(resetAt = Math.floor(Date.now() / 1000) + 900): FixtureResponse {
  return {
    status: 429,
    headers: { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetAt) },
    body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
  };
}

/** X API v2: `POST /2/tweets` and `GET /2/users/me`. */
export async function startXFake(options: XFakeOptions = {}): Promise<XFake> {
  const tokens = new Set(options.tokens ?? [FAKE_TOKEN]);
  const user = options.user ?? { id: '1700000000000000001', name: 'FlowMate Test', username: 'flowmate_test' };
  const posts: XPost[] = [];

  /** X counts characters, not UTF-16 units, and refuses to post the same text twice. */
  const createPost: ProviderHandler = (request) => {
    const fields = request.json();
    const postText = isRecord(fields) ? text(fields.text) : undefined;
    if (!postText) return invalidRequest('Your Tweet text is empty.', postText ?? '');
    if ([...postText].length > MAX_POST_LENGTH) {
      return invalidRequest('Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.', postText);
    }
    if (posts.some((post) => post.text === postText)) return problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.');
    const id = (1_800_000_000_000_000_000n + BigInt(posts.length + 1)).toString();
    posts.push({ id, text: postText });
    return { status: 201, body: { data: { id, text: postText, edit_history_tweet_ids: [id] } } };
  };

  const fake = await startProviderFake({
    tokens,
    tokenOf: (request) => authorizationToken(request),
    unauthorized: () => problem(401, 'Unauthorized', 'Unauthorized'),
    notFound: (request) => problem(404, 'Not Found Error', `Could not find ${request.path}`, 'https://api.twitter.com/2/problems/resource-not-found'),
    routes: [
      { method: 'POST', pattern: '/2/tweets', handler: createPost },
      { method: 'GET', pattern: '/2/users/me', handler: () => ({ body: { data: user } }) },
    ],
  });

  return { ...fake, user, posts };
}
