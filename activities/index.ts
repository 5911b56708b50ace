export * from './failpoints';
export * from './llm.activities';
export * from './run-history.activities';
export * from './tool.activities';
export * from './tools';
export type { ModelAccess } from './model-answer';
export { CredentialVault, type Connection } from './credential-vault';
export { SecretReader } from './secret-reader';
export { HEARTBEAT_THROTTLE } from './heartbeats';
