import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES } from '@flowmate/contracts';
import { AddressNotAllowedError } from '../http/address-policy';
import {
  HttpNetworkError,
  HttpStatusError,
  HttpTimeoutError,
  InvalidHttpRequestError,
  ResponseTooLargeError,
  TooManyRedirectsError,
} from '../http/guarded-http-client';

/**
 * Turns whatever an activity caught into the failure Temporal retries (or not). Messages come from our
 * own errors, which name method and origin but never path, query or headers.
 */
export function classifyError(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
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

function fail(error: Error, type: string, nonRetryable: boolean, details?: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({ type, message: error.message, nonRetryable, details });
}

// Errors raised by Node itself come from another realm under jest and fail `instanceof Error`.
function isErrorLike(error: unknown): error is Error {
  return typeof (error as Error | null)?.message === 'string' && typeof (error as Error).name === 'string';
}
