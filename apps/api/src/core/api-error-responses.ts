import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorBody } from './error-body';

const ERROR_DESCRIPTIONS = {
  [HttpStatus.BAD_REQUEST]: 'The request is invalid: every problem is listed in `details`, by path',
  [HttpStatus.UNAUTHORIZED]: 'No valid access token or API key (or, where the route says so, no valid signature or token of its own)',
  [HttpStatus.FORBIDDEN]: 'The caller may not do this (an API key where a signed-in session is needed, or not an operator)',
  [HttpStatus.NOT_FOUND]: 'Not found, or not the caller’s: another user’s objects are indistinguishable from missing ones',
  [HttpStatus.CONFLICT]: 'The object’s state does not allow it (in the trash, already finished or decided, refused by a concurrency policy)',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'Well formed but not possible (an Idempotency-Key reused for a different request, nothing to delegate to)',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'Something it depends on (Temporal, a provider) could not be reached, or it is not configured; try again',
} as const;

export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

const tooManyRequests = ApiResponse({
  status: HttpStatus.TOO_MANY_REQUESTS,
  description: 'A rate limit is used up (docs/identity.md): wait for Retry-After',
  type: ErrorBody,
  headers: {
    'Retry-After': { description: 'Seconds until the limit allows a request again', schema: { type: 'integer' } },
    'RateLimit-Policy': { description: 'The limit that refused it: `<points>;w=<window seconds>`', schema: { type: 'string' } },
  },
});

/**
 * The errors a route can answer, each with the one error body; 429 always, since every request counts
 * against its client address. On a controller, for all its routes.
 */
export const ApiErrorResponses = (...statuses: ErrorStatus[]): ClassDecorator & MethodDecorator =>
  applyDecorators(tooManyRequests, ...statuses.map((status) => ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ErrorBody })));
