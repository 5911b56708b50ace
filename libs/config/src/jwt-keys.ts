import { parseKeyring, type Keyring } from './keyring';

/** The HMAC secrets access tokens are signed with, by `kid`; the current one signs, every one verifies. */
export type JwtKeys = Keyring<string>;

const JWT_SECRET_MIN_LENGTH = 32;
/** The key id `JWT_SECRET` alone stands for. */
const SINGLE_JWT_KEY_ID = 'primary';

const atLeastMinLength = (secret: string): string | undefined => (secret.length >= JWT_SECRET_MIN_LENGTH ? secret : undefined);

/**
 * Reads `JWT_KEYS` (`<kid>:<secret>,…`, secrets without commas) and `JWT_CURRENT_KEY_ID`, or `JWT_SECRET`
 * as the one key `primary` of an installation that has never rotated.
 */
export function parseJwtKeys(settings: { keys?: string; currentKeyId?: string; secret?: string }): JwtKeys {
  const { keys, currentKeyId, secret } = settings;
  if (keys !== undefined && secret !== undefined) throw new Error('JWT_KEYS and JWT_SECRET are both set: set JWT_KEYS (which replaces JWT_SECRET) only');
  if (keys === undefined && secret === undefined) throw new Error('JWT_KEYS is not set; it must list <kid>:<secret>, comma-separated (or set JWT_SECRET to one secret)');
  if (secret !== undefined) {
    if (atLeastMinLength(secret) === undefined) throw new Error(`JWT_SECRET must be at least ${JWT_SECRET_MIN_LENGTH} characters`);
    if (currentKeyId !== undefined && currentKeyId !== SINGLE_JWT_KEY_ID) throw new Error(`JWT_CURRENT_KEY_ID names a key of JWT_KEYS, which is not set`);
    return { currentKeyId: SINGLE_JWT_KEY_ID, keys: { [SINGLE_JWT_KEY_ID]: secret } };
  }
  return parseKeyring(
    {
      keysName: 'JWT_KEYS',
      currentName: 'JWT_CURRENT_KEY_ID',
      keyShape: 'secret',
      keyRule: `a secret of at least ${JWT_SECRET_MIN_LENGTH} characters`,
      decode: atLeastMinLength,
    },
    keys,
    currentKeyId,
  );
}

export const currentJwtSecret = ({ currentKeyId, keys }: JwtKeys): string => keys[currentKeyId];
