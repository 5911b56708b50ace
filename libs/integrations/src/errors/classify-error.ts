import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES } from '@flowmate/contracts';
import { STATUS_CODES } from 'node:http';
import OpenAI from 'openai';
import { CircuitOpenError } from '../circuit-breakers/circuit-open-error';
import { AddressNotAllowedError } from '../http/address-policy';
import { ModelChainFailed } from '../models/model-chain-failed';
import {
  HttpNetworkError,
  HttpStatusError,
  HttpTimeoutError,
  InvalidHttpRequestError,
  ResponseTooLargeError,
  TooManyRedirectsError,
} from '../http/guarded-http-client';
import { parseRetryAfter } from '../http/retry-after';

/** A model server's refusals that the same request would meet again. */
const MODEL_CLIENT_ERRORS: Record<number, string> = {
  400: FAILURE_TYPES.llmBadRequest,
  401: FAILURE_TYPES.llmUnauthorized,
  403: FAILURE_TYPES.llmForbidden,
  404: FAILURE_TYPES.llmNotFound,
  422: FAILURE_TYPES.llmBadRequest,
};

/**
 * Turns whatever an activity caught into the failure Temporal retries (or not). Messages come from our
 * own errors, which name method and origin but never path, query or headers.
 */
export function classifyError(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof ModelChainFailed) return error.failure;
  if (error instanceof CircuitOpenError) {
    return ApplicationFailure.create({ type: FAILURE_TYPES.circuitOpen, message: error.message, nextRetryDelay: error.retryAfterMs });
  }
  if (error instanceof AddressNotAllowedError) return fail(error, FAILURE_TYPES.addressNotAllowed, true);
  if (error instanceof HttpStatusError) {
    // Details land in Temporal history; the body preview stays out, as an error body may echo secrets.
    const details = [{ status: error.status }];
    if (error.status === 429) {
      return ApplicationFailure.create({
        type: FAILURE_TYPES.rateLimited,
        message: error.message,
        details,
        nextRetryDelay: error.retryAfterMs,
      });
    }
    const serverSide = error.status >= 500 || error.status === 408;
    const type = serverSide ? FAILURE_TYPES.httpServerError : FAILURE_TYPES.httpClientError;
    return fail(error, type, !serverSide, details);
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) return fail(error, FAILURE_TYPES.timeout, false);
  if (error instanceof OpenAI.APIConnectionError) return fail(error, FAILURE_TYPES.network, false);
  if (error instanceof OpenAI.APIError && error.status !== undefined) return classifyModelError(error, error.status);
  if (error instanceof HttpTimeoutError) return fail(error, FAILURE_TYPES.timeout, false);
  if (error instanceof HttpNetworkError) return fail(error, FAILURE_TYPES.network, false);
  // The same request would fail the same way again.
  if (
    error instanceof InvalidHttpRequestError ||
    error instanceof TooManyRedirectsError ||
    error instanceof ResponseTooLargeError
  ) {
    return fail(error, error.name, true);
  }
  if (isErrorLike(error)) {
    return ApplicationFailure.create({ type: error.name, message: error.message, cause: error });
  }
  return ApplicationFailure.create({ type: 'Error', message: String(error) });
}

/**
 * The provider's own message may echo what it was sent (a prompt, part of a key), so the message says only
 * the status and the provider's error code, which are fixed words.
 */
function classifyModelError(error: InstanceType<typeof OpenAI.APIError>, status: number): ApplicationFailure {
  const code = typeof error.code === 'string' ? ` (${error.code})` : '';
  const message = `the model server answered ${status} ${STATUS_CODES[status] ?? ''}${code}`.trim();
  const details = [{ status }];
  if (status === 429) {
    const headers = error.headers;
    const waitMs = Number(headers?.get('retry-after-ms')) || parseRetryAfter(headers?.get('retry-after'));
    return ApplicationFailure.create({ type: FAILURE_TYPES.rateLimited, message, details, nextRetryDelay: waitMs });
  }
  const clientError = MODEL_CLIENT_ERRORS[status] ?? (status < 500 && status !== 408 && status !== 409 ? FAILURE_TYPES.llmBadRequest : undefined);
  return ApplicationFailure.create({ type: clientError ?? FAILURE_TYPES.llmServerError, message, details, nonRetryable: clientError !== undefined });
}

function fail(error: Error, type: string, nonRetryable: boolean, details?: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({ type, message: error.message, nonRetryable, details });
}

// Errors raised by Node itself come from another realm under jest and fail `instanceof Error`.
function isErrorLike(error: unknown): error is Error {
  return typeof (error as Error | null)?.message === 'string' && typeof (error as Error).name === 'string';
}
