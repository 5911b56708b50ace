import { AES_KEY_BYTES, parseAesKeys, type Keyring } from './keyring';

/** What `PAYLOAD_KEYS` and `PAYLOAD_CURRENT_KEY_ID` configure: the AES-256-GCM keys of Temporal payloads. */
export type PayloadKeys = Keyring<Buffer>;

export const PAYLOAD_KEY_BYTES = AES_KEY_BYTES;

export const parsePayloadKeys = (keysSetting: string | undefined, currentKeyId: string | undefined): PayloadKeys => parseAesKeys('PAYLOAD', keysSetting, currentKeyId);
