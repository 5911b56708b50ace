import { RequestError } from 'octokit';
import { classifyError } from '../../errors/classify-error';
import { gitHubClient, gitHubFailure } from './github.tools';

const CHECK_TIMEOUT_MS = 10_000;

/**
 * Whether this token can read the repository (`owner/name`): GitHub answers 404 for a private
 * repository the token cannot see, and 403 when its access was withdrawn. Anything else (rate limit,
 * GitHub down) is thrown, classified, rather than taken for a no.
 */
export async function canReadRepository(apiUrl: string, accessToken: string, repository: string): Promise<boolean> {
  const [owner, repo] = repository.split('/');
  try {
    await gitHubClient(apiUrl, { accessToken, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) }).rest.repos.get({ owner, repo });
    return true;
  } catch (error) {
    if (error instanceof RequestError && (error.status === 404 || error.status === 403) && error.response?.headers['x-ratelimit-remaining'] !== '0') return false;
    throw classifyError(gitHubFailure(error));
  }
}
