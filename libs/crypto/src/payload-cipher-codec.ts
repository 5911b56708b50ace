import type { PayloadKeys } from '@flowmate/config';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { openBytes, sealBytes } from './aes-gcm';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

export class PayloadDecryptError extends Error {
  override readonly name = 'PayloadDecryptError';
}

const text = (bytes: Uint8Array | null | undefined): string | undefined => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);
/** The key id travels in the clear beside the ciphertext; binding it as associated data stops a swap. */
const associatedData = (keyId: string): Buffer => Buffer.from(`flowmate-payload:${keyId}`, 'utf8');

/**
 * AES-256-GCM over whole Temporal payloads (metadata and data), so Temporal's storage holds only
 * `binary/encrypted` payloads naming the key they were sealed with. New payloads use the current key;
 * every configured key still opens old ones, and payloads that were never encrypted pass through.
 */
export class PayloadCipherCodec implements PayloadCodec {
  readonly #currentKeyId: string;
  // Private fields: keeps the keys out of util.inspect and JSON.stringify of the codec.
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor({ currentKeyId, keys }: PayloadKeys) {
    this.#keys = new Map(Object.entries(keys).map(([id, key]) => [id, Buffer.from(key)]));
    if (!this.#keys.has(currentKeyId)) throw new Error('The current payload key id is not one of the keys');
    this.#currentKeyId = currentKeyId;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.#currentKeyId;
    const key = this.#keys.get(keyId) as Buffer;
    return payloads.map((payload) => ({
      metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(keyId) },
      data: sealBytes(key, temporal.api.common.v1.Payload.encode(payload).finish(), associatedData(keyId)),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
      const key = this.#keys.get(keyId);
      if (!key) throw new PayloadDecryptError(`A payload is encrypted with key "${keyId}", which PAYLOAD_KEYS does not hold`);
      try {
        return temporal.api.common.v1.Payload.decode(openBytes(key, payload.data ?? new Uint8Array(), associatedData(keyId)));
      } catch {
        throw new PayloadDecryptError(`A payload encrypted with key "${keyId}" does not decrypt: tampered, or sealed with another key of that id`);
      }
    });
  }
}
