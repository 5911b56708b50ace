import { CREDENTIAL_KEY_BYTES as KEY_BYTES, CREDENTIAL_KEY_ID as KEY_ID, type CredentialKeys } from '@flowmate/config';
import { randomBytes } from 'node:crypto';
import { openBytes, SEALED_OVERHEAD_BYTES, sealBytes } from './aes-gcm';

/** The row a credential is stored in; a ciphertext only decrypts in the row and for the user it was made for. */
export interface CredentialContext {
  rowId: string;
  userId: string;
}

export class CredentialDecryptError extends Error {
  override readonly name = 'CredentialDecryptError';
}

const VERSION = 'v1';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A random 32-byte key, base64, for a `CREDENTIALS_KEYS` entry. */
export function generateCredentialKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * AES-256-GCM for credentials at rest. Stored form, ASCII:
 *   `v1:<keyId>:<base64url(iv[12] | tag[16] | ciphertext)>`, associated data JSON `["v1", keyId, rowId, userId]`.
 */
export class CredentialCipher {
  readonly #currentKeyId: string;
  // Private fields: keeps the keys out of util.inspect and JSON.stringify of the cipher.
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #currentKey: Buffer;

  constructor({ currentKeyId, keys }: CredentialKeys) {
    const entries = Object.entries(keys);
    const bad = entries.filter(([id, key]) => !KEY_ID.test(id) || key.length !== KEY_BYTES).map(([id]) => (KEY_ID.test(id) ? `"${id}"` : 'an invalid id'));
    if (bad.length > 0) throw new Error(`Credential keys must be ${KEY_BYTES} bytes under valid ids: ${bad.join(', ')}`);
    // Copies, so a caller reusing its buffers cannot change the keys under the cipher.
    this.#keys = new Map(entries.map(([id, key]) => [id, Buffer.from(key)]));
    const currentKey = this.#keys.get(currentKeyId);
    if (!currentKey) throw new Error('The current credential key id is not one of the keys');
    this.#currentKeyId = currentKeyId;
    this.#currentKey = currentKey;
  }

  encrypt(plaintext: string, context: CredentialContext): string {
    const keyId = this.#currentKeyId;
    const sealed = sealBytes(this.#currentKey, Buffer.from(plaintext, 'utf8'), associatedData(keyId, context));
    return `${VERSION}:${keyId}:${sealed.toString('base64url')}`;
  }

  decrypt(ciphertext: string, context: CredentialContext): string {
    const { keyId, payload } = parse(ciphertext);
    const key = this.#keys.get(keyId);
    if (!key) throw new CredentialDecryptError(`Cannot decrypt credential: key id "${keyId}" is not configured`);
    const aad = associatedData(keyId, context);
    try {
      return openBytes(key, payload, aad).toString('utf8');
    } catch {
      throw new CredentialDecryptError('Cannot decrypt credential: authentication failed (tampered, or another row, user or key)');
    }
  }

  /** The id of the key a ciphertext is under, configured or not. */
  keyIdOf(ciphertext: string): string {
    return parse(ciphertext).keyId;
  }

  needsRewrap(ciphertext: string): boolean {
    return this.keyIdOf(ciphertext) !== this.#currentKeyId;
  }

  /** Re-encrypts under the current key; the caller stores the result in place of the old value. */
  rewrap(ciphertext: string, context: CredentialContext): string {
    return this.encrypt(this.decrypt(ciphertext, context), context);
  }
}

function parse(ciphertext: string): { keyId: string; payload: Buffer } {
  const parts = ciphertext.split(':');
  if (parts[0] !== VERSION) throw new CredentialDecryptError('Cannot decrypt credential: unknown format version');
  const [, keyId, encoded] = parts;
  if (parts.length !== 3 || !KEY_ID.test(keyId) || !BASE64URL.test(encoded)) throw new CredentialDecryptError('Cannot decrypt credential: malformed value');
  const payload = Buffer.from(encoded, 'base64url');
  // The canonical-encoding check makes each payload have exactly one spelling.
  if (payload.length < SEALED_OVERHEAD_BYTES || payload.toString('base64url') !== encoded) {
    throw new CredentialDecryptError('Cannot decrypt credential: malformed value');
  }
  return { keyId, payload };
}

function associatedData(keyId: string, { rowId, userId }: CredentialContext): Buffer {
  // An empty id would bind the ciphertext to nothing: a row id must exist before its credential is encrypted.
  if (typeof rowId !== 'string' || typeof userId !== 'string' || rowId === '' || userId === '') {
    throw new TypeError('Credential context needs a non-empty rowId and userId');
  }
  return Buffer.from(JSON.stringify([VERSION, keyId, rowId, userId]), 'utf8');
}
