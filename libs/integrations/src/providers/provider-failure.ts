import { FAILURE_TYPES } from '@flowmate/contracts';
import { ApplicationFailure } from '@temporalio/common';
import { STATUS_CODES } from 'node:http';

/** The prefix of a provider's failure types: `GitHubNotFound`, `SlackChannelNotFound`, `GoogleUnauthorized`. */
export type ProviderLabel = 'GitHub' | 'Google' | 'Slack' | 'X' | 'Instagram';

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Gone',
  413: 'PayloadTooLarge',
  422: 'ValidationFailed',
};

export interface ProviderAnswer {
  status: number;
  /** The provider's own words, in fixed vocabulary (`Bad credentials`, `channel_not_found`); never a token. */
  detail?: string;
  /** A 429, or a provider's own way of saying "too many requests" (GitHub's 403 with no requests left). */
  rateLimited?: boolean;
  retryAfterMs?: number;
  /** A reason more precise than the status (`ChannelNotFound`, `QuotaExceeded`). */
  reason?: string;
}

/** A provider's error answer as the failure Temporal retries (429, 5xx) or not (every other refusal). */
export function providerFailure(label: ProviderLabel, answer: ProviderAnswer): ApplicationFailure {
  const words = `${label} answered ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`.trimEnd() + (answer.detail ? `: ${answer.detail.slice(0, 200)}` : '');
  const details = [{ status: answer.status }];
  if (answer.rateLimited || answer.status === 429) {
    return ApplicationFailure.create({ type: FAILURE_TYPES.rateLimited, message: words, details, nextRetryDelay: answer.retryAfterMs });
  }
  if (answer.status >= 500 || answer.status === 408) {
    return ApplicationFailure.create({ type: `${label}ServerError`, message: words, details });
  }
  return ApplicationFailure.create({ type: `${label}${answer.reason ?? REASONS[answer.status] ?? 'BadRequest'}`, message: words, details, nonRetryable: true });
}

/** Milliseconds until a rate-limit reset given in epoch seconds (`x-ratelimit-reset`, `x-rate-limit-reset`). */
export function untilReset(epochSeconds: string | number | undefined, now = Date.now()): number | undefined {
  const reset = Number(epochSeconds);
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
}
