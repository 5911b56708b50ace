export { createDataConverter } from './data-converter';
export {
  CredentialCipher,
  CredentialDecryptError,
  generateCredentialKey,
  type CredentialContext,
} from './credential-cipher';
export { openTokens, seal, sealTokens, type SealedValue, type TokenBundle } from './sealed-tokens';
