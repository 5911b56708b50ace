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
import { classifyError } from './classify-error';

const hop = { method: 'GET' as const, url: new URL('https://api.example/services/T1/B2/s3cr3t?token=secret') };
const status = (code: number, extra: { retryAfterMs?: number; statusText?: string } = {}) =>
  new HttpStatusError(hop, { status: code, bodyPreview: 'echoed Bearer secret', ...extra });

describe(classifyError.name, () => {
  const { addressNotAllowed, httpClientError, httpServerError, rateLimited, timeout, network } = FAILURE_TYPES;
  it.each([
    { label: 'address', error: new AddressNotAllowedError('10.0.0.1:80', 'private'), type: addressNotAllowed, nonRetryable: true },
    { label: '400', error: status(400), type: httpClientError, nonRetryable: true },
    { label: '401', error: status(401), type: httpClientError, nonRetryable: true },
    { label: '403', error: status(403), type: httpClientError, nonRetryable: true },
    { label: '404', error: status(404), type: httpClientError, nonRetryable: true },
    { label: '304', error: status(304), type: httpClientError, nonRetryable: true },
    { label: '408', error: status(408), type: httpServerError, nonRetryable: false },
    { label: '500', error: status(500), type: httpServerError, nonRetryable: false },
    { label: '503', error: status(503), type: httpServerError, nonRetryable: false },
    { label: '429', error: status(429), type: rateLimited, nonRetryable: false },
    { label: 'timeout', error: new HttpTimeoutError(hop, 'timed out after 100 ms'), type: timeout, nonRetryable: false },
    { label: 'network', error: new HttpNetworkError(hop, 'ECONNRESET'), type: network, nonRetryable: false },
    { label: 'bad URL', error: new InvalidHttpRequestError('not file:'), type: 'InvalidHttpRequestError', nonRetryable: true },
    { label: 'loop', error: new TooManyRedirectsError(hop, 'redirected'), type: 'TooManyRedirectsError', nonRetryable: true },
    { label: 'huge', error: new ResponseTooLargeError(hop, 'too big'), type: 'ResponseTooLargeError', nonRetryable: true },
    { label: 'anything else', error: new RangeError('boom'), type: 'RangeError', nonRetryable: false },
])('$label → $type (nonRetryable: $nonRetryable)', ({ error, type, nonRetryable }) => {
    const failure = classifyError(error);

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type, nonRetryable, message: error.message });
  });

  it('says what answered what, without path or query string', () => {
    expect(classifyError(status(404)).message).toBe('GET https://api.example answered 404 Not Found');
    expect(classifyError(status(502, { statusText: 'Upstream Down' })).message).toBe(
      'GET https://api.example answered 502 Upstream Down',
    );
  });

  it.each([400, 429, 500])('keeps only the status as details of a %i, never the body preview', (code) => {
    const failure = classifyError(status(code));

    expect(failure.details).toEqual([{ status: code }]);
    expect(JSON.stringify(failure)).not.toContain('secret');
  });

  it('waits at least Retry-After on a 429', () => {
    expect(classifyError(status(429, { retryAfterMs: 7_000 })).nextRetryDelay).toBe(7_000);
    expect(classifyError(status(429)).nextRetryDelay).toBeUndefined();
  });

  it('returns an ApplicationFailure as is', () => {
    const failure = ApplicationFailure.nonRetryable('bad template', FAILURE_TYPES.template);

    expect(classifyError(failure)).toBe(failure);
  });

  it('keeps an unknown error as the cause of a retryable failure', () => {
    const error = new Error('disk full');

    expect(classifyError(error)).toMatchObject({
      type: 'Error',
      nonRetryable: false,
      message: 'disk full',
      cause: error,
    });
  });

  it('copes with errors from another realm', () => {
    const foreign = { name: 'ECONNRESET', message: 'socket hang up' };

    expect(classifyError(foreign)).toMatchObject({
      type: 'ECONNRESET',
      message: 'socket hang up',
      nonRetryable: false,
    });
  });

  it('copes with thrown non-errors', () => {
    expect(classifyError('nope')).toMatchObject({ type: 'Error', message: 'nope', nonRetryable: false });
  });
});
