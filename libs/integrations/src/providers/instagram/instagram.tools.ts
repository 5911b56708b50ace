import { FAILURE_TYPES } from '@flowmate/contracts';
import { ApplicationFailure } from '@temporalio/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GuardedHttpClient } from '../../http/guarded-http-client';
import { HttpStatusError } from '../../http/guarded-http-client';
import { classifiedTool, type IntegrationTools } from '../integration-tool';
import { jsonOf, operatorHttpClient } from '../operator-http-client';
import { providerFailure, type ProviderAnswer } from '../provider-failure';

/** Graph API error codes: an expired or revoked token, and the throttling ones. */
const TOKEN_ERROR = 190;
const THROTTLED = new Set([4, 17, 32, 613]);

const STATUS_POLLS = 10;
const STATUS_POLL_INTERVAL_MS = 1_000;

interface GraphError {
  error?: { message?: string; code?: number; type?: string };
}

/** The Graph API answers 400 for most refusals; its error code says which. */
export function instagramFailure(error: unknown): unknown {
  if (!(error instanceof HttpStatusError)) return error;
  const graph = (jsonOf(error.bodyPreview) as GraphError).error;
  const answer: ProviderAnswer = { status: error.status, detail: graph?.message, retryAfterMs: error.retryAfterMs };
  if (graph?.code === TOKEN_ERROR) answer.status = 401;
  if (graph?.code !== undefined && THROTTLED.has(graph.code)) answer.rateLimited = true;
  return providerFailure('Instagram', answer);
}

/** Form parameters as the Graph API takes them; the token goes in the body, never in a URL. */
const form = (fields: Record<string, string | undefined>): string =>
  new URLSearchParams(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();

/** GET /me: the account a token belongs to; its `user_id` is the id publishing needs. */
export async function instagramAccount(http: GuardedHttpClient, apiUrl: string, accessToken: string, signal?: AbortSignal): Promise<{ id: string; username: string }> {
  try {
    const { body } = await http.request({ method: 'GET', url: `${apiUrl.replace(/\/$/, '')}/me?${form({ fields: 'user_id,username', access_token: accessToken })}`, signal });
    const me = body as { user_id?: string; id: string; username: string };
    return { id: me.user_id ?? me.id, username: me.username };
  } catch (error) {
    throw instagramFailure(error);
  }
}

export function createInstagramTools({ apiUrl }: { apiUrl: string }): IntegrationTools<'instagram.publishImage'> {
  const http = operatorHttpClient(apiUrl);
  const base = apiUrl.replace(/\/$/, '');
  const post = async (path: string, fields: Record<string, string | undefined>, signal: AbortSignal): Promise<{ id: string }> => {
    const { body } = await http.request({ method: 'POST', url: `${base}/${path}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields), signal });
    return body as { id: string };
  };

  /** A container is published once Instagram has fetched and processed its image. */
  const waitUntilReady = async (containerId: string, accessToken: string, signal: AbortSignal): Promise<void> => {
    for (let poll = 0; poll < STATUS_POLLS; poll += 1) {
      const { body } = await http.request({ method: 'GET', url: `${base}/${containerId}?${form({ fields: 'status_code', access_token: accessToken })}`, signal });
      const status = (body as { status_code?: string }).status_code;
      if (status === 'FINISHED') return;
      if (status === 'ERROR' || status === 'EXPIRED') {
        throw ApplicationFailure.create({ type: 'InstagramMediaFailed', message: `Instagram could not process the image (${status})`, nonRetryable: true });
      }
      await sleep(STATUS_POLL_INTERVAL_MS, undefined, { signal });
    }
    throw ApplicationFailure.create({ type: FAILURE_TYPES.timeout, message: 'Instagram was still processing the image' });
  };

  return {
    'instagram.publishImage': classifiedTool(instagramFailure, async ({ imageUrl, caption }: { imageUrl: string; caption?: string }, { accessToken, accountId, signal }) => {
      const account = accountId ?? (await instagramAccount(http, apiUrl, accessToken, signal)).id;
      const container = await post(`${account}/media`, { image_url: imageUrl, caption, access_token: accessToken }, signal);
      await waitUntilReady(container.id, accessToken, signal);
      const published = await post(`${account}/media_publish`, { creation_id: container.id, access_token: accessToken }, signal);
      return { id: published.id };
    }),
  };
}
