import { randomBytes } from 'node:crypto';
import { parseCredentialKeys } from './credential-keys';

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe(parseCredentialKeys.name, () => {
  const a = randomBytes(32).toString('base64');
  const b = randomBytes(32).toString('base64');
  const bytes = (length: number): string => randomBytes(length).toString('base64');

  it.each([
    ['one key, current id unset: that key is current', `k1:${a}`, undefined, 'k1', ['k1']],
    ['one key, current id empty: that key is current', `k1:${a}`, '', 'k1', ['k1']],
    ['one key named as current', `k1:${a}`, 'k1', 'k1', ['k1']],
    ['several keys with the current one named', `k1:${a},k_2-B:${b}`, 'k_2-B', 'k_2-B', ['k1', 'k_2-B']],
    ['whitespace around entries and the current id', ` k1:${a} , k2:${b} `, ' k2 ', 'k2', ['k1', 'k2']],
  ])('accepts %s', (_, setting, current, expectedCurrent, expectedIds) => {
    const parsed = parseCredentialKeys(setting, current);
    expect(parsed.currentKeyId).toBe(expectedCurrent);
    expect(Object.keys(parsed.keys)).toEqual(expectedIds);
    expect(parsed.keys.k1).toEqual(Buffer.from(a, 'base64'));
  });

  it('keeps an id such as __proto__ an ordinary key', () => {
    const parsed = parseCredentialKeys(`__proto__:${a}`, undefined);
    expect(Object.keys(parsed.keys)).toEqual(['__proto__']);
    expect(Object.hasOwn(parsed.keys, '__proto__')).toBe(true);
    expect(parsed.keys['__proto__']).toEqual(Buffer.from(a, 'base64'));
  });

  it.each([
    ['an unset setting', undefined, undefined, /CREDENTIALS_KEYS is not set/],
    ['an empty setting', '  ', 'k1', /CREDENTIALS_KEYS is not set/],
    ['a 31-byte key', `k1:${bytes(31)}`, undefined, /CREDENTIALS_KEYS entry 1 \("k1"\) is not a base64 key of exactly 32 bytes/],
    ['a 33-byte key', `k1:${a},k2:${bytes(33)}`, 'k1', /CREDENTIALS_KEYS entry 2 \("k2"\) is not a base64 key of exactly 32 bytes/],
    ['a key that is not base64', `k1:${'!'.repeat(44)}`, undefined, /CREDENTIALS_KEYS entry 1 \("k1"\) is not a base64 key/],
    ['a base64url key (not base64)', `k1:${Buffer.from(a, 'base64').toString('base64url')}`, undefined, /CREDENTIALS_KEYS entry 1 \("k1"\) is not a base64 key/],
    ['an entry without an id', a, undefined, /CREDENTIALS_KEYS entry 1 is not <id>:<base64 key>/],
    ['an empty entry', `k1:${a},`, undefined, /CREDENTIALS_KEYS entry 2 is not <id>:<base64 key>/],
    ['an id with a space', `my key:${a}`, undefined, /CREDENTIALS_KEYS entry 1 has an invalid key id/],
    ['an empty id', `:${a}`, undefined, /CREDENTIALS_KEYS entry 1 has an invalid key id/],
    ['a 33-character id', `${'k'.repeat(33)}:${a}`, undefined, /CREDENTIALS_KEYS entry 1 has an invalid key id/],
    ['a duplicate id', `k1:${a},k1:${b}`, 'k1', /CREDENTIALS_KEYS entry 2 repeats key id "k1"/],
    ['several keys and no current id', `k1:${a},k2:${b}`, undefined, /CREDENTIALS_CURRENT_KEY_ID is not set; with several keys it must name one of k1, k2/],
    ['a current id that is not among the keys', `k1:${a},k2:${b}`, 'k3', /CREDENTIALS_CURRENT_KEY_ID "k3" is not one of k1, k2/],
    ['a current id that is not a valid id', `k1:${a}`, 'k 1', /CREDENTIALS_CURRENT_KEY_ID is not a valid key id/],
  ])('rejects %s, naming the variable', (_, setting, current, message) => {
    expect(() => parseCredentialKeys(setting, current)).toThrow(message);
  });

  it('lists every problem in one error', () => {
    const message = errorOf(() => parseCredentialKeys(`k1:${bytes(16)},bad id:${a},k1:${b}`, 'k9')).message;
    expect(message.split('\n- ').slice(1)).toEqual([
      expect.stringMatching(/^CREDENTIALS_KEYS entry 1 \("k1"\) is not a base64 key/),
      expect.stringMatching(/^CREDENTIALS_KEYS entry 2 has an invalid key id/),
      expect.stringMatching(/^CREDENTIALS_KEYS entry 3 repeats key id "k1"/),
      expect.stringMatching(/^CREDENTIALS_CURRENT_KEY_ID "k9" is not one of k1$/),
    ]);
  });

  it('never echoes key material, even when it sits in the wrong place', () => {
    const short = bytes(31);
    const cases: Array<[string, string | undefined, string]> = [
      [`k1:${short}`, undefined, short],
      [`${a}:k1`, undefined, a],
      [`k1:${a},${b}`, 'k1', b],
      [`k1:${a}`, b, b],
      [`k1:${a},k1:${b}`, 'k1', b],
    ];
    for (const [setting, current, material] of cases) {
      const message = errorOf(() => parseCredentialKeys(setting, current)).message;
      expect(message).toMatch(/CREDENTIALS_(KEYS|CURRENT_KEY_ID)/);
      expect(message).not.toContain(material);
      expect(message).not.toContain(material.slice(0, 12));
    }
  });
});
