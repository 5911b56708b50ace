import { base64Key, parseKeyring, type Keyring } from './keyring';

/** What `PAYLOAD_KEYS` and `PAYLOAD_CURRENT_KEY_ID` configure: the AES-256-GCM keys of Temporal payloads. */
export type PayloadKeys = Keyring<Buffer>;

export const PAYLOAD_KEY_BYTES = 32;

/** Reads `PAYLOAD_KEYS` (`<id>:<base64 32-byte key>,…`) and `PAYLOAD_CURRENT_KEY_ID` (optional with one key). */
export function parsePayloadKeys(keysSetting: string | undefined, currentKeyId: string | undefined): PayloadKeys {
  return parseKeyring(
    {
      keysName: 'PAYLOAD_KEYS',
      currentName: 'PAYLOAD_CURRENT_KEY_ID',
      keyShape: 'base64 key',
      keyRule: `a base64 key of exactly ${PAYLOAD_KEY_BYTES} bytes`,
      decode: base64Key(PAYLOAD_KEY_BYTES),
    },
    keysSetting,
    currentKeyId,
  );
}
