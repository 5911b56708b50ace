import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The shortest sealed value: an empty plaintext's IV and tag. */
export const SEALED_OVERHEAD_BYTES = IV_BYTES + TAG_BYTES;

/** AES-256-GCM with a random IV; the result is `iv[12] | tag[16] | ciphertext`, bound to `associatedData`. */
export function sealBytes(key: Buffer, plaintext: Uint8Array, associatedData: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** The plaintext of `sealBytes`; throws when the value was tampered with or sealed under another key or associated data. */
export function openBytes(key: Buffer, sealed: Uint8Array, associatedData: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(bytes.subarray(IV_BYTES, SEALED_OVERHEAD_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(SEALED_OVERHEAD_BYTES)), decipher.final()]);
}
