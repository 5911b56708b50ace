export { AddressNotAllowedError, isAllowedHost, isPublicAddress } from './http/address-policy';
export {
  GuardedHttpClient,
  HttpNetworkError,
  HttpRequestError,
  HttpStatusError,
  HttpTimeoutError,
  InvalidHttpRequestError,
  ResponseTooLargeError,
  TooManyRedirectsError,
  type GuardedHttpClientOptions,
  type GuardedHttpRequest,
  type HttpBinaryBody,
} from './http/guarded-http-client';
export { classifyError } from './errors/classify-error';
export { createOpenAiClient, type OpenAiClientOptions } from './openai/openai.client';
