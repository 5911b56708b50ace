import { createHash } from 'node:crypto';
import {
  FAKE_TOKEN,
  authorizationToken,
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

export interface GitHubRepo {
  owner: string;
  name: string;
  private?: boolean;
}

/** Seeded as GitHub words it; missing fields get plausible defaults when answered. */
export interface GitHubPull {
  number: number;
  title: string;
  html_url?: string;
  user?: { login: string };
  state?: 'open' | 'closed';
  draft?: boolean;
  created_at?: string;
}

export interface GitHubIssue extends Omit<GitHubPull, 'draft'> {
  body?: string | null;
  labels?: Array<{ name: string }>;
  comments?: number;
}

export interface GitHubFile {
  content: string;
  /** Defaults to the git blob sha of `content`. */
  sha?: string;
}

export interface CreatedIssue {
  owner: string;
  repo: string;
  number: number;
  title: string;
  body?: string;
  labels: string[];
}

export interface CreatedComment {
  owner: string;
  repo: string;
  issueNumber: number;
  id: number;
  body: string;
}

export interface GitHubTokenBundle extends OAuthBundle {
  token_type?: string;
  refresh_token_expires_in?: number;
}

export interface GitHubFakeOptions {
  tokens?: string[];
  user?: { login: string; id: number };
  repos?: GitHubRepo[];
  /** Keyed `owner/repo`. */
  pulls?: Record<string, GitHubPull[]>;
  issues?: Record<string, GitHubIssue[]>;
  /** Keyed `owner/repo/path`. */
  files?: Record<string, GitHubFile>;
  oauth?: OAuthAppOptions;
}

export interface GitHubFake extends ProviderFake {
  user: { login: string; id: number };
  repos: GitHubRepo[];
  pulls: Map<string, GitHubPull[]>;
  issues: Map<string, GitHubIssue[]>;
  files: Map<string, GitHubFile>;
  createdIssues: CreatedIssue[];
  comments: CreatedComment[];
  /** Sent as `x-ratelimit-*`; at `remaining: 0` API calls get GitHub's 403. */
  rateLimit: { limit: number; remaining: number; reset: number };
  oauth: FakeOAuth<GitHubTokenBundle>;
}

const DOCS = 'https://docs.github.com/rest';
const WEB = 'https://github.com';
const CREATED_AT = '2024-01-01T00:00:00Z';

/** GitHub's error body; `extra` carries `errors` for a 422. */
export function gitHubError(status: number, message: string, extra: Record<string, unknown> = {}): FixtureResponse {
  return { status, body: { message, documentation_url: DOCS, status: String(status), ...extra } };
}

const validationFailed = (resource: string, field: string): FixtureResponse =>
  gitHubError(422, 'Validation Failed', { errors: [{ resource, field, code: 'missing_field' }] });

const blobSha = (content: string): string => createHash('sha1').update(`blob ${Buffer.byteLength(content)}\0`).update(content).digest('hex');

/** Base64 broken into 60-character lines, each ending in a newline, as the contents API sends it. */
const wrappedBase64 = (content: string): string =>
  (Buffer.from(content, 'utf8').toString('base64').match(/.{1,60}/g) ?? []).map((line) => `${line}\n`).join('');

const newestFirst = <T extends { number: number }>(items: T[]): T[] => [...items].sort((a, b) => b.number - a.number);

const byState = (state: string | null) => (item: { state?: string }): boolean => (state ?? 'open') === 'all' || (item.state ?? 'open') === (state ?? 'open');

/** One page of `items` with GitHub's `Link` header (prev, next, last, first) pointing back at this server. */
function paged<T>(request: ProviderRequest, items: T[]): FixtureResponse {
  const perPage = Math.min(100, Math.max(1, Number(request.query.get('per_page')) || 30));
  const page = Math.max(1, Math.floor(Number(request.query.get('page'))) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (to: number, rel: string): string => {
    const query = new URLSearchParams(request.query);
    query.set('page', String(to));
    return `<http://${request.headers.host}${request.path}?${query}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [link(Math.min(page - 1, last), 'prev')] : []),
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
    ...(page > 1 ? [link(1, 'first')] : []),
  ];
  return { body: items.slice((page - 1) * perPage, page * perPage), headers: links.length > 0 ? { link: links.join(', ') } : {} };
}

/** GitHub REST v3 (octokit `baseUrl` = `url`) and its OAuth token endpoint on the same server. */
export async function startGitHubFake(options: GitHubFakeOptions = {}): Promise<GitHubFake> {
  const tokens = new Set(options.tokens ?? [FAKE_TOKEN]);
  const user = options.user ?? { login: 'octocat', id: 1 };
  const repos = options.repos ?? [];
  const pulls = new Map(Object.entries(options.pulls ?? {}));
  const issues = new Map(Object.entries(options.issues ?? {}));
  const files = new Map(Object.entries(options.files ?? {}));
  const createdIssues: CreatedIssue[] = [];
  const comments: CreatedComment[] = [];
  const rateLimit = { limit: 5000, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 };
  const oauth = fakeOAuth<GitHubTokenBundle>(options.oauth);
  let nextCommentId = 1_000_000_001;

  const knownRepo = (owner: string, repo: string): boolean => {
    const key = `${owner}/${repo}`;
    // GitHub's owner and repository names are case-insensitive.
    return repos.some((r) => `${r.owner}/${r.name}`.toLowerCase() === key.toLowerCase()) || pulls.has(key) || issues.has(key) || [...files.keys()].some((path) => path.startsWith(`${key}/`));
  };

  /** An API route: counted against the rate limit, 404 for a repository it does not know. */
  const api = (method: string, pattern: string, handler: ProviderHandler) => ({
    method,
    pattern,
    handler: (request: ProviderRequest) => {
      if (rateLimit.remaining === 0) return gitHubError(403, `API rate limit exceeded for user ID ${user.id}.`);
      rateLimit.remaining -= 1;
      const { owner, repo } = request.params;
      if (owner !== undefined && repo !== undefined && !knownRepo(owner, repo)) return gitHubError(404, 'Not Found');
      return handler(request);
    },
  });

  const pullJson = (owner: string, repo: string, pull: GitHubPull) => ({
    id: pull.number,
    number: pull.number,
    title: pull.title,
    html_url: pull.html_url ?? `${WEB}/${owner}/${repo}/pull/${pull.number}`,
    user: pull.user ?? { login: user.login },
    state: pull.state ?? 'open',
    draft: pull.draft ?? false,
    created_at: pull.created_at ?? CREATED_AT,
  });

  const issueJson = (owner: string, repo: string, issue: GitHubIssue) => ({
    id: issue.number,
    number: issue.number,
    title: issue.title,
    body: issue.body ?? null,
    html_url: issue.html_url ?? `${WEB}/${owner}/${repo}/issues/${issue.number}`,
    user: issue.user ?? { login: user.login },
    state: issue.state ?? 'open',
    labels: issue.labels ?? [],
    created_at: issue.created_at ?? CREATED_AT,
    comments: issue.comments ?? 0,
  });

  /** GitHub lists pull requests among a repository's issues, marked by `pull_request`. */
  const listIssues: ProviderHandler = (request) => {
    const { owner, repo } = request.params;
    const { query } = request;
    const wanted = (query.get('labels') ?? '').split(',').map((label) => label.trim()).filter(Boolean);
    const asIssues = [
      ...(issues.get(`${owner}/${repo}`) ?? []).map((issue) => issueJson(owner, repo, issue)),
      ...(pulls.get(`${owner}/${repo}`) ?? []).map((pull) => ({ ...issueJson(owner, repo, pull), pull_request: { html_url: pullJson(owner, repo, pull).html_url } })),
    ];
    const matching = asIssues.filter(byState(query.get('state'))).filter((issue) => wanted.every((name) => issue.labels.some((label) => label.name === name)));
    return paged(request, newestFirst(matching));
  };

  const createIssue: ProviderHandler = (request) => {
    const { owner, repo } = request.params;
    const fields = request.json();
    const title = isRecord(fields) ? text(fields.title) : undefined;
    if (!isRecord(fields) || !title) return validationFailed('Issue', 'title');
    const labels = (Array.isArray(fields.labels) ? fields.labels : []).map((label: unknown) => (isRecord(label) ? text(label.name) : text(label)) ?? '');
    const key = `${owner}/${repo}`;
    const number = Math.max(0, ...[...(issues.get(key) ?? []), ...(pulls.get(key) ?? [])].map((item) => item.number)) + 1;
    const issue: GitHubIssue = { number, title, body: text(fields.body) ?? null, labels: labels.map((name) => ({ name })), created_at: new Date().toISOString() };
    issues.set(key, [...(issues.get(key) ?? []), issue]);
    createdIssues.push({ owner, repo, number, title, body: text(fields.body), labels });
    return { status: 201, body: { ...issueJson(owner, repo, issue), url: `http://${request.headers.host}/repos/${key}/issues/${number}` } };
  };

  const createComment: ProviderHandler = (request) => {
    const { owner, repo } = request.params;
    const issueNumber = Number(request.params.issue_number);
    const fields = request.json();
    const body = isRecord(fields) ? text(fields.body) : undefined;
    const key = `${owner}/${repo}`;
    const issue = (issues.get(key) ?? []).find((item) => item.number === issueNumber);
    if (!issue && !(pulls.get(key) ?? []).some((item) => item.number === issueNumber)) return gitHubError(404, 'Not Found');
    if (!body) return validationFailed('IssueComment', 'body');
    const id = nextCommentId++;
    if (issue) issue.comments = (issue.comments ?? 0) + 1;
    comments.push({ owner, repo, issueNumber, id, body });
    return {
      status: 201,
      body: { id, body, html_url: `${WEB}/${key}/issues/${issueNumber}#issuecomment-${id}`, user: { login: user.login }, created_at: new Date().toISOString() },
    };
  };

  /** A file's contents, or a directory's listing (an array) when the path is a folder of seeded files. */
  const getContents: ProviderHandler = ({ params: { owner, repo, path } }) => {
    const file = files.get(`${owner}/${repo}/${path}`);
    if (file) {
      const sha = file.sha ?? blobSha(file.content);
      return {
        body: {
          type: 'file',
          name: path.split('/').pop(),
          path,
          sha,
          size: Buffer.byteLength(file.content),
          encoding: 'base64',
          content: wrappedBase64(file.content),
          html_url: `${WEB}/${owner}/${repo}/blob/main/${path}`,
        },
      };
    }
    const prefix = `${owner}/${repo}/${path}/`;
    const children = new Map<string, 'file' | 'dir'>();
    for (const key of files.keys()) {
      if (!key.startsWith(prefix)) continue;
      const [name, ...rest] = key.slice(prefix.length).split('/');
      children.set(name, rest.length > 0 ? 'dir' : 'file');
    }
    if (children.size === 0) return gitHubError(404, 'Not Found');
    return { body: [...children].map(([name, type]) => ({ type, name, path: `${path}/${name}` })) };
  };

  /** Errors are HTTP 200 with an `error` field, as GitHub's OAuth endpoint answers them. */
  const accessToken: ProviderHandler = (request) => {
    const outcome = redeemGrant(oauth, request.fields(), tokens, { rotating: true });
    let answer: Record<string, string | number>;
    if ('bundle' in outcome) {
      const { bundle } = outcome;
      const expiring = bundle.refresh_token ? { expires_in: 28800, refresh_token_expires_in: 15897600 } : {};
      answer = { token_type: 'bearer', scope: 'repo,read:user', ...expiring, ...bundle };
    } else {
      const [error, error_description] =
        outcome.refused === 'code'
          ? ['bad_verification_code', 'The code passed is incorrect or expired.']
          : outcome.refused === 'refresh_token'
            ? ['bad_refresh_token', 'The refresh token passed is incorrect or expired.']
            : ['incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.'];
      answer = { error, error_description, error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors' };
    }
    if ((request.headers.accept ?? '').includes('application/json')) return { body: answer };
    const form = new URLSearchParams(Object.entries(answer).map(([name, value]): [string, string] => [name, String(value)]));
    return { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: form.toString() };
  };

  const repoJson = (repo: GitHubRepo, index: number) => ({
    id: 1000 + index,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: repo.private ?? false,
    html_url: `${WEB}/${repo.owner}/${repo.name}`,
    owner: { login: repo.owner },
  });

  const fake = await startProviderFake({
    tokens,
    // Octokit sends `token <t>` for plain tokens; GitHub takes `Bearer` as well.
    tokenOf: (request) => authorizationToken(request, ['bearer', 'token']),
    unauthorized: () => gitHubError(401, 'Bad credentials'),
    notFound: () => gitHubError(404, 'Not Found'),
    headers: () => ({
      'x-ratelimit-limit': String(rateLimit.limit),
      'x-ratelimit-remaining': String(rateLimit.remaining),
      'x-ratelimit-reset': String(rateLimit.reset),
      'x-ratelimit-used': String(rateLimit.limit - rateLimit.remaining),
      'x-ratelimit-resource': 'core',
    }),
    routes: [
      api('GET', '/user', () => ({ body: { login: user.login, id: user.id, type: 'User' } })),
      api('GET', '/user/repos', (request) => paged(request, repos.map(repoJson))),
      api('GET', '/repos/:owner/:repo', (request) => {
        const { owner, repo } = request.params;
        const index = repos.findIndex((each) => `${each.owner}/${each.name}`.toLowerCase() === `${owner}/${repo}`.toLowerCase());
        return { body: index < 0 ? repoJson({ owner, name: repo }, repos.length) : repoJson(repos[index], index) };
      }),
      api('GET', '/repos/:owner/:repo/pulls', (request) => {
        const { owner, repo } = request.params;
        const listed = (pulls.get(`${owner}/${repo}`) ?? []).map((pull) => pullJson(owner, repo, pull)).filter(byState(request.query.get('state')));
        return paged(request, newestFirst(listed));
      }),
      api('GET', '/repos/:owner/:repo/issues', listIssues),
      api('POST', '/repos/:owner/:repo/issues', createIssue),
      api('POST', '/repos/:owner/:repo/issues/:issue_number/comments', createComment),
      api('GET', '/repos/:owner/:repo/contents/:path+', getContents),
      { method: 'POST', pattern: '/login/oauth/access_token', handler: accessToken, anonymous: true },
    ],
  });

  return { ...fake, user, repos, pulls, issues, files, createdIssues, comments, rateLimit, oauth };
}
