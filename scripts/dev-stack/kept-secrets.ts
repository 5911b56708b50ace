import { parseCredentialKeys, parsePayloadKeys } from '@flowmate/config';
import { generateCredentialKey } from '@flowmate/crypto';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

/** A value made on the first start and kept in `file` (mode 0600), so sessions and stored credentials survive restarts. */
async function loadOrCreate(file: string, create: () => string): Promise<string> {
  try {
    await writeFile(file, create(), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return (await readFile(file, 'utf8')).trim();
}

export async function loadOrCreateJwtSecret(file: string): Promise<string> {
  const secret = await loadOrCreate(file, () => randomBytes(48).toString('base64url'));
  if (secret.length < 32) throw new Error(`${file} holds a JWT secret shorter than 32 characters; delete it to get a new one`);
  return secret;
}

/** A development AES keyring, `dev:<key>`, checked by `parse`; `whenLost` says what losing the file costs. */
async function loadOrCreateAesKeys(file: string, name: string, parse: (keys: string, current: undefined) => unknown, whenLost: string): Promise<string> {
  const keys = await loadOrCreate(file, () => `dev:${generateCredentialKey()}`);
  try {
    parse(keys, undefined);
  } catch (error) {
    throw new Error(`${file} does not hold valid ${name} (${(error as Error).message}); ${whenLost}`);
  }
  return keys;
}

/** A development `CREDENTIALS_KEYS`; losing the file makes the connections stored under it unreadable. */
export const loadOrCreateCredentialsKeys = (file: string): Promise<string> =>
  loadOrCreateAesKeys(file, 'CREDENTIALS_KEYS', parseCredentialKeys, 'fix it, or delete it and connect integrations again');

/** A development `PAYLOAD_KEYS`; losing the file makes what Temporal keeps of earlier runs unreadable. */
export const loadOrCreatePayloadKeys = (file: string): Promise<string> =>
  loadOrCreateAesKeys(file, 'PAYLOAD_KEYS', parsePayloadKeys, 'fix it, or delete it together with .data/temporal.db');
