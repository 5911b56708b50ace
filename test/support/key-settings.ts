import type { CredentialKeys, JwtKeys } from '@flowmate/config';

/** Parsed keys back as their `*_KEYS` setting, for a process that must read what this one wrote or signed. */
export const credentialKeysSetting = ({ keys }: CredentialKeys): string =>
  Object.entries(keys)
    .map(([id, key]) => `${id}:${key.toString('base64')}`)
    .join(',');

export const jwtKeysSetting = ({ keys }: JwtKeys): string =>
  Object.entries(keys)
    .map(([id, secret]) => `${id}:${secret}`)
    .join(',');
