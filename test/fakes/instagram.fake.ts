import { randomBytes } from 'node:crypto';
import { FAKE_TOKEN, startProviderFake, text, type FixtureResponse, type ProviderFake, type ProviderHandler, type ProviderRequest } from './provider-fake';

export type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

export interface InstagramAccount {
  /** The app-scoped id `/me` answers as `id`. */
  id: string;
  /** The Instagram professional account id publishing goes through (`/me`'s `user_id`). */
  userId: string;
  username: string;
}

export interface InstagramContainer {
  id: string;
  imageUrl: string;
  caption?: string;
  statusCode: ContainerStatus;
  /** Status polls still to answer IN_PROGRESS before the container turns `finalStatus`. */
  pendingPolls: number;
  finalStatus: 'FINISHED' | 'ERROR' | 'EXPIRED';
}

export interface InstagramPublished {
  mediaId: string;
  containerId: string;
  imageUrl: string;
  caption?: string;
}

/** How new containers process: IN_PROGRESS for `polls` status polls, then `finalStatus`. */
export interface InstagramProcessing {
  polls: number;
  finalStatus: 'FINISHED' | 'ERROR' | 'EXPIRED';
}

export interface InstagramFakeOptions {
  tokens?: string[];
  /** The Graph API version in the path; `url` ends with it. */
  version?: string;
  account?: InstagramAccount;
  processing?: InstagramProcessing;
}

export interface InstagramFake extends ProviderFake {
  /** `http://127.0.0.1:<port>/<version>`. */
  url: string;
  account: InstagramAccount;
  containers: Map<string, InstagramContainer>;
  published: InstagramPublished[];
  processing: InstagramProcessing;
}

/** A Graph API error: HTTP 400 for nearly everything, the `code` says what (190 token, 100 parameter, 4/17/32/613 throttled). */
export function instagramError(code: number, message: string, { status = 400, type = 'OAuthException', ...extra }: { status?: number; type?: string } & Record<string, unknown> = {}): FixtureResponse {
  return { status, body: { error: { message, type, code, ...extra, fbtrace_id: randomBytes(9).toString('base64url') } } };
}

const unsupported = (method: string, id: string): FixtureResponse =>
  instagramError(
    100,
    `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
  );

/** Only the fields asked for, and always `id`, as the Graph API answers. */
function selectFields(request: ProviderRequest, available: Record<string, string>): Record<string, string> {
  const wanted = (request.query.get('fields') ?? '').split(',').map((field) => field.trim());
  return Object.fromEntries(Object.entries(available).filter(([field]) => field === 'id' || wanted.includes(field)));
}

/** Instagram API with Instagram Login (graph.instagram.com): `/me`, media containers, their status, publishing. */
export async function startInstagramFake(options: InstagramFakeOptions = {}): Promise<InstagramFake> {
  const tokens = new Set(options.tokens ?? [FAKE_TOKEN]);
  const version = options.version ?? 'v21.0';
  const account = options.account ?? { id: '7000000000000001', userId: '17841400000000001', username: 'flowmate_test' };
  const processing = options.processing ?? { polls: 0, finalStatus: 'FINISHED' };
  const containers = new Map<string, InstagramContainer>();
  const published: InstagramPublished[] = [];
  let ids = 0;
  const nextId = (base: bigint): string => (base + BigInt((ids += 1))).toString();

  const isAccount = (id: string): boolean => id === account.userId || id === 'me';

  const createContainer: ProviderHandler = (request) => {
    if (!isAccount(request.params.igUserId)) return unsupported('post', request.params.igUserId);
    const fields = request.fields();
    const imageUrl = text(fields.image_url);
    if (!imageUrl) return instagramError(100, 'The parameter image_url is required');
    const id = nextId(17_889_000_000_000_000n);
    const statusCode = processing.polls > 0 ? 'IN_PROGRESS' : processing.finalStatus;
    containers.set(id, { id, imageUrl, caption: text(fields.caption), statusCode, pendingPolls: processing.polls, finalStatus: processing.finalStatus });
    return { body: { id } };
  };

  const getObject: ProviderHandler = (request) => {
    const container = containers.get(request.params.id);
    if (!container) return unsupported('get', request.params.id);
    if (container.statusCode === 'IN_PROGRESS') {
      if (container.pendingPolls > 0) container.pendingPolls -= 1;
      else container.statusCode = container.finalStatus;
    }
    return { body: selectFields(request, { id: container.id, status_code: container.statusCode }) };
  };

  const publish: ProviderHandler = (request) => {
    if (!isAccount(request.params.igUserId)) return unsupported('post', request.params.igUserId);
    const creationId = text(request.fields().creation_id) ?? '';
    const container = containers.get(creationId);
    if (!container) return instagramError(100, 'Invalid parameter', { error_user_msg: `The media container ${creationId} does not exist.` });
    if (container.statusCode === 'PUBLISHED') return instagramError(100, 'Invalid parameter', { error_user_msg: 'The media has already been published.' });
    if (container.statusCode !== 'FINISHED') {
      return instagramError(9007, 'Media ID is not available', { error_subcode: 2207027, error_user_msg: 'The media is not ready for publishing, please wait for a moment' });
    }
    container.statusCode = 'PUBLISHED';
    const mediaId = nextId(18_000_000_000_000_000n);
    published.push({ mediaId, containerId: container.id, imageUrl: container.imageUrl, caption: container.caption });
    return { body: { id: mediaId } };
  };

  const fake = await startProviderFake({
    tokens,
    tokenOf: (request) => text(request.fields().access_token),
    unauthorized: (_request, token) =>
      token === undefined
        ? instagramError(190, 'An active access token must be used to query information about the current user.')
        : instagramError(190, 'Invalid OAuth access token - Cannot parse access token'),
    notFound: (request) => unsupported(request.method.toLowerCase(), request.path),
    routes: [
      { method: 'GET', pattern: `/${version}/me`, handler: (request) => ({ body: selectFields(request, { id: account.id, user_id: account.userId, username: account.username }) }) },
      { method: 'POST', pattern: `/${version}/:igUserId/media`, handler: createContainer },
      { method: 'POST', pattern: `/${version}/:igUserId/media_publish`, handler: publish },
      { method: 'GET', pattern: `/${version}/:id`, handler: getObject },
    ],
  });

  return { ...fake, url: `${fake.origin}/${version}`, account, containers, published, processing };
}
