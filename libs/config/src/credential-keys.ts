import { base64Key, KEY_ID, parseKeyring, type Keyring } from './keyring';

/** What `CREDENTIALS_KEYS` and `CREDENTIALS_CURRENT_KEY_ID` configure: the AES-256-GCM keys of stored credentials. */
export type CredentialKeys = Keyring<Buffer>;

export const CREDENTIAL_KEY_BYTES = 32;
export const CREDENTIAL_KEY_ID = KEY_ID;

/** Reads `CREDENTIALS_KEYS` (`<id>:<base64 32-byte key>,…`) and `CREDENTIALS_CURRENT_KEY_ID` (optional with one key). */
export function parseCredentialKeys(keysSetting: string | undefined, currentKeyId: string | undefined): CredentialKeys {
  return parseKeyring(
    {
      keysName: 'CREDENTIALS_KEYS',
      currentName: 'CREDENTIALS_CURRENT_KEY_ID',
      keyShape: 'base64 key',
      keyRule: `a base64 key of exactly ${CREDENTIAL_KEY_BYTES} bytes`,
      decode: base64Key(CREDENTIAL_KEY_BYTES),
    },
    keysSetting,
    currentKeyId,
  );
}
