import type { CredentialKeys } from '@flowmate/config';

/** Parsed keys back as the `CREDENTIALS_KEYS` setting, for a process that must read what this one stored. */
export const credentialKeysSetting = ({ keys }: CredentialKeys): string =>
  Object.entries(keys)
    .map(([id, key]) => `${id}:${key.toString('base64')}`)
    .join(',');
