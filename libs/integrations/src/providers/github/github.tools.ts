import { MAX_RESULTS, type JsonObject } from '@flowmate/contracts';
import { Octokit, RequestError } from 'octokit';
import { parseRetryAfter } from '../../http/retry-after';
import { classifiedTool, type IntegrationCall, type IntegrationTools } from '../integration-tool';
import { providerFailure, untilReset } from '../provider-failure';

type GitHubToolName =
  | 'github.listRepositories'
  | 'github.listPullRequests'
  | 'github.listIssues'
  | 'github.createIssue'
  | 'github.createIssueComment'
  | 'github.getFileContents';

interface RepoArgs {
  owner: string;
  repo: string;
}

/** The fields the tools read of GitHub's answers. */
interface GitHubRepo {
  name: string;
  full_name: string;
  private: boolean;
  html_url: string;
}

interface GitHubPull {
  number: number;
  title: string;
  html_url: string;
  user: { login: string } | null;
  state: string;
  draft?: boolean;
  created_at: string;
}

interface GitHubIssue extends Omit<GitHubPull, 'draft'> {
  labels: Array<string | { name?: string }>;
  comments: number;
  pull_request?: unknown;
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Octokit with its retry and throttling plugins off: Temporal retries, as `gitHubFailure` decides. */
export function gitHubClient(apiUrl: string, { accessToken, signal }: Pick<IntegrationCall, 'accessToken' | 'signal'>): Octokit {
  return new Octokit({ auth: accessToken, baseUrl: apiUrl.replace(/\/$/, ''), retry: { enabled: false }, throttle: { enabled: false }, request: { signal }, log: silent });
}

/** GitHub's error answers; a 403 with no requests left (or a Retry-After) is its rate limit, waited out until the reset. */
export function gitHubFailure(error: unknown): unknown {
  if (!(error instanceof RequestError) || error.status < 400) return error;
  const headers = (error.response?.headers ?? {}) as Record<string, string | undefined>;
  const retryAfterMs = parseRetryAfter(headers['retry-after']) ?? untilReset(headers['x-ratelimit-reset']);
  const rateLimited = error.status === 429 || (error.status === 403 && (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined));
  const detail = (error.response?.data as { message?: string } | undefined)?.message;
  return providerFailure('GitHub', { status: error.status, detail, rateLimited, retryAfterMs });
}

const pageSize = (maxResults: number): number => Math.min(100, maxResults);

/** Each call made with the caller's connection, its errors classified. */
const withGitHub = <Args>(apiUrl: string, run: (client: Octokit, args: Args) => Promise<JsonObject>) =>
  classifiedTool<Args>(gitHubFailure, (args, call) => run(gitHubClient(apiUrl, call), args));

/** What pull requests and issues share in the tools' answers. */
const authored = (item: GitHubPull | GitHubIssue) => ({
  number: item.number,
  title: item.title,
  url: item.html_url,
  author: item.user?.login ?? null,
  state: item.state,
  createdAt: item.created_at,
});

/** A paginate map function that stops fetching pages once `maxResults` kept items are in. */
function upTo<T>(maxResults: number, keep: (item: T) => boolean = () => true): (response: { data: T[] }, done: () => void) => T[] {
  let kept = 0;
  return ({ data }, done) => {
    const page = data.filter(keep).slice(0, maxResults - kept);
    kept += page.length;
    if (kept >= maxResults) done();
    return page;
  };
}

export function createGitHubTools({ apiUrl }: { apiUrl: string }): IntegrationTools<GitHubToolName> {
  return {
    'github.listRepositories': withGitHub(apiUrl, async (client, { maxResults = MAX_RESULTS.default }: { maxResults?: number }) => {
      const repos: GitHubRepo[] = await client.paginate(client.rest.repos.listForAuthenticatedUser, { per_page: pageSize(maxResults) }, upTo<GitHubRepo>(maxResults));
      return { items: repos.map((repo) => ({ name: repo.name, fullName: repo.full_name, private: repo.private, url: repo.html_url })) };
    }),
    'github.listPullRequests': withGitHub(apiUrl, async (client, { owner, repo, state = 'open', maxResults = MAX_RESULTS.default }: RepoArgs & { state?: 'open' | 'closed' | 'all'; maxResults?: number }) => {
      const pulls: GitHubPull[] = await client.paginate(client.rest.pulls.list, { owner, repo, state, per_page: pageSize(maxResults) }, upTo<GitHubPull>(maxResults));
      return {
        items: pulls.map((pull) => ({ ...authored(pull), draft: pull.draft ?? false })),
      };
    }),
    'github.listIssues': withGitHub(
      apiUrl,
      async (client, { owner, repo, state = 'open', labels, maxResults = MAX_RESULTS.default }: RepoArgs & { state?: 'open' | 'closed' | 'all'; labels?: string[]; maxResults?: number }) => {
        // GitHub lists pull requests among issues; they are not what this tool is asked for.
        const issues: GitHubIssue[] = await client.paginate(
          client.rest.issues.listForRepo,
          { owner, repo, state, labels: labels?.join(','), per_page: pageSize(maxResults) },
          upTo<GitHubIssue>(maxResults, (issue) => !issue.pull_request),
        );
        return {
          items: issues.map((issue) => ({
            ...authored(issue),
            labels: issue.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? ''))),
            comments: issue.comments,
          })),
        };
      },
    ),
    'github.createIssue': withGitHub(apiUrl, async (client, { owner, repo, title, body, labels }: RepoArgs & { title: string; body?: string; labels?: string[] }) => {
      const { data } = await client.rest.issues.create({ owner, repo, title, body, labels });
      return { number: data.number, url: data.html_url };
    }),
    'github.createIssueComment': withGitHub(apiUrl, async (client, { owner, repo, issueNumber, body }: RepoArgs & { issueNumber: number; body: string }) => {
      const { data } = await client.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
      return { id: data.id, url: data.html_url };
    }),
    'github.getFileContents': withGitHub(apiUrl, async (client, { owner, repo, path, ref }: RepoArgs & { path: string; ref?: string }) => {
      const { data } = await client.rest.repos.getContent({ owner, repo, path, ref });
      if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
        throw providerFailure('GitHub', { status: 422, reason: 'NotAFile', detail: `${path} is not a file` });
      }
      return { path: data.path, sha: data.sha, text: Buffer.from(data.content, 'base64').toString('utf8') };
    }),
  };
}
