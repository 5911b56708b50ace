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
export { CircuitBreakers, type CircuitBreakerSettings } from './circuit-breakers/circuit-breakers';
export { CircuitOpenError } from './circuit-breakers/circuit-open-error';
export { ModelGateway, type ChatRequest, type ModelAnswer, type ModelGatewayOptions, type ModelUsage } from './models/model-gateway';
export { ModelChainFailed } from './models/model-chain-failed';
export { ModelHealthMonitor, type ModelHealthOptions, type ProviderHealth } from './models/model-health';
export type { IntegrationCall, IntegrationEndpoints, IntegrationTool, IntegrationTools } from './providers/integration-tool';
export { createIntegrationTools } from './providers/integration-tools';
export { checkConnection, type ConnectedAccount } from './providers/connection-check';
export { canReadRepository } from './providers/github/repository-access';
export {
  isOAuthProvider,
  OAUTH_PROVIDERS,
  OAuthExchangeFailed,
  OAuthGrantRefused,
  OAuthProviders,
  type IssuedTokens,
  type OAuthApp,
  type OAuthProvider,
  type OAuthSettings,
} from './oauth/oauth-providers';
