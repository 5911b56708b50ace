import { parseJwtKeys } from './jwt-keys';

describe(parseJwtKeys.name, () => {
  const a = 'a'.repeat(32);
  const b = 'b'.repeat(40);

  it('takes JWT_KEYS with the current key named', () => {
    expect(parseJwtKeys({ keys: `2026-11:${a},2026-12:${b}`, currentKeyId: '2026-12' })).toEqual({ currentKeyId: '2026-12', keys: { '2026-11': a, '2026-12': b } });
  });

  it('takes JWT_SECRET alone as the one key "primary"', () => {
    expect(parseJwtKeys({ secret: a })).toEqual({ currentKeyId: 'primary', keys: { primary: a } });
  });

  it.each([
    ['neither setting', {}, /JWT_KEYS is not set[\s\S]*JWT_SECRET/],
    ['both settings', { keys: `k1:${a}`, secret: a }, /JWT_KEYS and JWT_SECRET are both set/],
    ['a short JWT_SECRET', { secret: 'short' }, /JWT_SECRET must be at least 32 characters/],
    ['a short key in JWT_KEYS', { keys: `k1:${a},k2:short`, currentKeyId: 'k1' }, /JWT_KEYS entry 2 \("k2"\) is not a secret of at least 32 characters/],
    ['several keys and no current one', { keys: `k1:${a},k2:${b}` }, /JWT_CURRENT_KEY_ID is not set; with several keys it must name one of k1, k2/],
    ['a current key that is not configured', { keys: `k1:${a}`, currentKeyId: 'k2' }, /JWT_CURRENT_KEY_ID "k2" is not one of k1/],
    ['a current key id with JWT_SECRET', { secret: a, currentKeyId: 'k2' }, /JWT_CURRENT_KEY_ID names a key of JWT_KEYS/],
  ])('refuses %s', (_, settings, message) => {
    expect(() => parseJwtKeys(settings)).toThrow(message);
  });

  it('never echoes a secret in its messages', () => {
    const secret = 'not-long-enough-secret';
    expect(() => parseJwtKeys({ keys: `k1:${secret}` })).toThrow(expect.objectContaining({ message: expect.not.stringContaining(secret) }));
  });
});
