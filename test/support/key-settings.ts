import type { CredentialKeys, JwtKeys, PayloadKeys } from '@flowmate/config';
import { randomBytes } from 'node:crypto';

/** Parsed keys back as their `*_KEYS` setting, for a process that must read what this one wrote or signed. */
export const keyringSetting = ({ keys }: CredentialKeys | PayloadKeys): string =>
  Object.entries(keys)
    .map(([id, key]) => `${id}:${key.toString('base64')}`)
    .join(',');

export const jwtKeysSetting = ({ keys }: JwtKeys): string =>
  Object.entries(keys)
    .map(([id, secret]) => `${id}:${secret}`)
    .join(',');

/** The payload keys of the tests that run workflows without a whole stack: fresh for each test file. */
export const TEST_PAYLOAD_KEYS: PayloadKeys = { currentKeyId: 'test', keys: { test: randomBytes(32) } };
