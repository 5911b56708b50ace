import type { GuardedHttpClient } from '../../http/guarded-http-client';
import { HttpStatusError } from '../../http/guarded-http-client';
import { classifiedTool, type IntegrationTools } from '../integration-tool';
import { jsonOf, operatorHttpClient } from '../operator-http-client';
import { providerFailure, untilReset } from '../provider-failure';

/** X's problem answers (`{title, detail}`); its 429s say when the window resets in `x-rate-limit-reset`. */
export function xFailure(error: unknown): unknown {
  if (!(error instanceof HttpStatusError)) return error;
  const body = jsonOf(error.bodyPreview);
  const detail = typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : undefined;
  return providerFailure('X', { status: error.status, detail, retryAfterMs: error.retryAfterMs ?? untilReset(error.headers['x-rate-limit-reset']) });
}

/** GET /2/users/me: who a token belongs to. */
export async function xAccount(http: GuardedHttpClient, apiUrl: string, accessToken: string, signal?: AbortSignal): Promise<{ id: string; username: string }> {
  try {
    const { body } = await http.request({ method: 'GET', url: `${apiUrl.replace(/\/$/, '')}/2/users/me`, headers: { authorization: `Bearer ${accessToken}` }, signal });
    return (body as { data: { id: string; username: string } }).data;
  } catch (error) {
    throw xFailure(error);
  }
}

export function createXTools({ apiUrl }: { apiUrl: string }): IntegrationTools<'x.createPost'> {
  const http = operatorHttpClient(apiUrl);
  return {
    'x.createPost': classifiedTool(xFailure, async ({ text }: { text: string }, { accessToken, signal }) => {
      const { body } = await http.request({
        method: 'POST',
        url: `${apiUrl.replace(/\/$/, '')}/2/tweets`,
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: { text },
        signal,
      });
      return { id: (body as { data: { id: string } }).data.id };
    }),
  };
}
