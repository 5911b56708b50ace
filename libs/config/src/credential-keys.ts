import { AES_KEY_BYTES, KEY_ID, parseAesKeys, type Keyring } from './keyring';

/** What `CREDENTIALS_KEYS` and `CREDENTIALS_CURRENT_KEY_ID` configure: the AES-256-GCM keys of stored credentials. */
export type CredentialKeys = Keyring<Buffer>;

export const CREDENTIAL_KEY_BYTES = AES_KEY_BYTES;
export const CREDENTIAL_KEY_ID = KEY_ID;

export const parseCredentialKeys = (keysSetting: string | undefined, currentKeyId: string | undefined): CredentialKeys => parseAesKeys('CREDENTIALS', keysSetting, currentKeyId);
