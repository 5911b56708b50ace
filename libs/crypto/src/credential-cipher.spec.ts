import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { parseCredentialKeys, type CredentialKeys } from '@flowmate/config';
import { CredentialCipher, CredentialDecryptError, generateCredentialKey } from './credential-cipher';

const oldKey = randomBytes(32);
const currentKey = randomBytes(32);
const keys: CredentialKeys = { currentKeyId: 'current', keys: { old: oldKey, current: currentKey } };
const context = { rowId: 'row-1', userId: 'user-1' };
const secret = 'ya29.a0-SECRET-oauth-token';

const cipher = new CredentialCipher(keys);
const oldCipher = new CredentialCipher({ ...keys, currentKeyId: 'old' });

const payloadOf = (value: string): Buffer => Buffer.from(value.split(':')[2], 'base64url');
const withPayload = (value: string, payload: Buffer): string => `${value.split(':').slice(0, 2).join(':')}:${payload.toString('base64url')}`;

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected it to throw');
}

describe(CredentialCipher.name, () => {
  it.each([
    ['an OAuth token', secret],
    ['unicode', 'pässwörd 🔑 日本語 \u0000 end'],
    ['an empty string', ''],
    ['a long secret', 'x'.repeat(10_000)],
  ])('decrypts what it encrypted: %s', (_, plaintext) => {
    expect(cipher.decrypt(cipher.encrypt(plaintext, context), context)).toBe(plaintext);
  });

  it('encrypts the same text differently each time (random IV)', () => {
    const first = cipher.encrypt(secret, context);
    const second = cipher.encrypt(secret, context);
    expect(first).not.toBe(second);
    expect(payloadOf(first).subarray(0, 12)).not.toEqual(payloadOf(second).subarray(0, 12));
  });

  it('writes v1:<current key id>:<base64url of 12-byte IV, 16-byte tag and ciphertext>', () => {
    const value = cipher.encrypt('abcd', context);
    expect(value).toMatch(/^v1:current:[A-Za-z0-9_-]+$/);
    expect(payloadOf(value)).toHaveLength(12 + 16 + 4);
  });

  it('rejects a flipped byte at every position of the payload', () => {
    const value = cipher.encrypt('tok', context);
    const payload = payloadOf(value);
    for (let index = 0; index < payload.length; index++) {
      const flipped = Buffer.from(payload);
      flipped[index] ^= 0xff;
      expect(() => cipher.decrypt(withPayload(value, flipped), context)).toThrow(CredentialDecryptError);
    }
  });

  it.each([
    ['another row', { rowId: 'row-2', userId: 'user-1' }],
    ['another user', { rowId: 'row-1', userId: 'user-2' }],
    ['row and user swapped', { rowId: 'user-1', userId: 'row-1' }],
    ['the same characters split elsewhere', { rowId: 'row-1u', userId: 'ser-1' }],
  ])('rejects a ciphertext moved to %s', (_, moved) => {
    expect(() => cipher.decrypt(cipher.encrypt(secret, context), moved)).toThrow(CredentialDecryptError);
  });

  it('binds row and user unambiguously, even when the ids contain separators', () => {
    const value = cipher.encrypt(secret, { rowId: 'a:b', userId: 'c' });
    expect(() => cipher.decrypt(value, { rowId: 'a', userId: 'b:c' })).toThrow(CredentialDecryptError);
    expect(() => cipher.decrypt(value, { rowId: 'a","b', userId: 'c' })).toThrow(CredentialDecryptError);
  });

  it('rejects a ciphertext relabelled with another configured key id', () => {
    const relabelled = cipher.encrypt(secret, context).replace('v1:current:', 'v1:old:');
    expect(() => cipher.decrypt(relabelled, context)).toThrow(/authentication failed/);
  });

  it('rejects a key id it has no key for, naming the id', () => {
    const unknown = cipher.encrypt(secret, context).replace('v1:current:', 'v1:retired:');
    expect(() => cipher.decrypt(unknown, context)).toThrow(CredentialDecryptError);
    expect(() => cipher.decrypt(unknown, context)).toThrow(/key id "retired" is not configured/);
  });

  it.each(['v2', 'v0', 'V1', '', 'v1 '])('rejects format version %j', (version) => {
    const value = `${version}:${cipher.encrypt(secret, context).split(':').slice(1).join(':')}`;
    expect(() => cipher.decrypt(value, context)).toThrow(CredentialDecryptError);
    expect(() => cipher.decrypt(value, context)).toThrow(/unknown format version/);
  });

  const sample = cipher.encrypt('abcd', context);
  const [, , encoded] = sample.split(':');
  const lastChar = encoded.at(-1) as string;
  const base64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // 32 bytes take 43 characters; the last one's two low bits are padding, so this spells the same bytes.
  const nonCanonical = `v1:current:${encoded.slice(0, -1)}${base64url[base64url.indexOf(lastChar) ^ 1]}`;
  it.each([
    ['truncated by one byte', withPayload(sample, payloadOf(sample).subarray(0, -1))],
    ['truncated by one character', sample.slice(0, -1)],
    ['shorter than IV and tag', withPayload(sample, payloadOf(sample).subarray(0, 27))],
    ['with an empty payload', 'v1:current:'],
    ['without a payload', 'v1:current'],
    ['with an extra field', `${sample}:x`],
    ['with standard base64 padding', `${sample}=`],
    ['with characters outside base64url', sample.replace(/.$/, '+')],
    ['in a non-canonical base64url spelling', nonCanonical],
    ['with an invalid key id', sample.replace('v1:current:', 'v1:bad id:')],
    ['that is empty', ''],
  ])('rejects a ciphertext %s', (_, value) => {
    expect(() => cipher.decrypt(value, context)).toThrow(CredentialDecryptError);
  });

  it('treats the non-canonical sample as the same bytes (so its rejection is the encoding check)', () => {
    expect(Buffer.from(nonCanonical.split(':')[2], 'base64url')).toEqual(payloadOf(sample));
  });

  it('still decrypts ciphertexts under an old key that is no longer current', () => {
    const underOld = oldCipher.encrypt(secret, context);
    expect(underOld.startsWith('v1:old:')).toBe(true);
    expect(cipher.decrypt(underOld, context)).toBe(secret);
  });

  it('reports the key id of a ciphertext and whether it needs rewrapping', () => {
    const underOld = oldCipher.encrypt(secret, context);
    const underCurrent = cipher.encrypt(secret, context);
    expect([cipher.keyIdOf(underOld), cipher.needsRewrap(underOld)]).toEqual(['old', true]);
    expect([cipher.keyIdOf(underCurrent), cipher.needsRewrap(underCurrent)]).toEqual(['current', false]);
    expect(cipher.keyIdOf(underCurrent.replace(':current:', ':retired:'))).toBe('retired');
    expect(() => cipher.keyIdOf('not a ciphertext')).toThrow(CredentialDecryptError);
  });

  it('rewraps under the current key, and the result decrypts without the old key', () => {
    const rewrapped = cipher.rewrap(oldCipher.encrypt(secret, context), context);
    expect(cipher.keyIdOf(rewrapped)).toBe('current');
    expect(cipher.needsRewrap(rewrapped)).toBe(false);
    const currentOnly = new CredentialCipher({ currentKeyId: 'current', keys: { current: currentKey } });
    expect(currentOnly.decrypt(rewrapped, context)).toBe(secret);
  });

  it('refuses to rewrap a ciphertext for the wrong row', () => {
    expect(() => cipher.rewrap(oldCipher.encrypt(secret, context), { ...context, rowId: 'row-2' })).toThrow(CredentialDecryptError);
  });

  it('keeps plaintext, keys and ciphertext out of its error messages', () => {
    const value = cipher.encrypt(secret, context);
    const flipped = Buffer.from(payloadOf(value));
    flipped[20] ^= 1;
    const errors = [
      errorOf(() => cipher.decrypt(withPayload(value, flipped), context)),
      errorOf(() => cipher.decrypt(value, { ...context, userId: 'user-2' })),
      errorOf(() => cipher.decrypt(value.replace(':current:', ':retired:'), context)),
      errorOf(() => cipher.decrypt(value.replace('v1:', 'v9:'), context)),
      errorOf(() => cipher.decrypt(value.slice(0, 30), context)),
    ];
    const material = [secret, value.split(':')[2], value.split(':')[2].slice(0, 16), ...[oldKey, currentKey].flatMap((key) => [key.toString('base64'), key.toString('base64url'), key.toString('hex')])];
    for (const error of errors) {
      expect(error).toBeInstanceOf(CredentialDecryptError);
      expect(error.name).toBe('CredentialDecryptError');
      for (const text of material) expect(`${error.message}\n${error.stack}`).not.toContain(text);
    }
  });

  it('keeps its keys out of inspect and JSON', () => {
    const shown = `${inspect(cipher, { showHidden: true, depth: 5 })}${JSON.stringify(cipher)}`;
    // How inspect prints a Buffer: `<Buffer 0a 1b …>`.
    for (const key of [oldKey, currentKey]) expect(shown).not.toContain(inspect(key).slice(0, 30));
  });

  it.each([
    ['an empty row id', { rowId: '', userId: 'user-1' }],
    ['an empty user id', { rowId: 'row-1', userId: '' }],
  ])('refuses to encrypt with %s, which would bind the credential to nothing', (_, bad) => {
    expect(() => cipher.encrypt(secret, bad)).toThrow(/non-empty rowId and userId/);
  });

  it.each([
    ['a key shorter than 32 bytes', { currentKeyId: 'k1', keys: { k1: randomBytes(16) } }, /32 bytes/],
    ['a current key id that is not among the keys', { currentKeyId: 'k2', keys: { k1: randomBytes(32) } }, /current credential key id/],
    ['an inherited property as the current key id', { currentKeyId: 'constructor', keys: { k1: randomBytes(32) } }, /current credential key id/],
  ])('refuses to construct with %s', (_, bad, message) => {
    expect(() => new CredentialCipher(bad)).toThrow(message);
  });
});

describe(generateCredentialKey.name, () => {
  it('makes a distinct random 32-byte base64 key each call, usable in CREDENTIALS_KEYS', () => {
    const [first, second] = [generateCredentialKey(), generateCredentialKey()];
    expect(first).not.toBe(second);
    expect(Buffer.from(first, 'base64')).toHaveLength(32);
    expect(parseCredentialKeys(`dev:${first}`, undefined).keys.dev).toEqual(Buffer.from(first, 'base64'));
  });
});
