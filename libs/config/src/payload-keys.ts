import { parseAesKeys, type Keyring } from './keyring';

/** What `PAYLOAD_KEYS` and `PAYLOAD_CURRENT_KEY_ID` configure: the AES-256-GCM keys of Temporal payloads. */
export type PayloadKeys = Keyring<Buffer>;

export const parsePayloadKeys = (keysSetting: string | undefined, currentKeyId: string | undefined): PayloadKeys => parseAesKeys('PAYLOAD', keysSetting, currentKeyId);
