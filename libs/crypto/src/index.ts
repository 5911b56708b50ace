export { createDataConverter, FAILURE_CONVERTER_PATH } from './data-converter';
export { ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadCipherCodec, PayloadDecryptError } from './payload-cipher-codec';
export {
  CredentialCipher,
  CredentialDecryptError,
  generateCredentialKey,
  type CredentialContext,
} from './credential-cipher';
export { openTokens, seal, sealTokens, type SealedValue, type TokenBundle } from './sealed-tokens';
