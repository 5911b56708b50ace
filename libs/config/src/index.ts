export * from './app-config';
export type { ProcessRole } from './environment';
export type { ModelProviderConfig } from './model-providers';
export { CREDENTIAL_KEY_BYTES, CREDENTIAL_KEY_ID, parseCredentialKeys, type CredentialKeys } from './credential-keys';
export { currentJwtSecret, type JwtKeys } from './jwt-keys';
export type { MagicLinkDelivery } from './magic-link-delivery';
export { parsePayloadKeys, type PayloadKeys } from './payload-keys';
export { temporalConnectionOptions, type TemporalConnectionOptions, type TemporalTls } from './temporal-connection';
