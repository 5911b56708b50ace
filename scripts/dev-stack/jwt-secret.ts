import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

/** The secret made on the first start and kept in `file` (mode 0600), so sessions survive restarts. */
export async function loadOrCreateJwtSecret(file: string): Promise<string> {
  try {
    await writeFile(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = (await readFile(file, 'utf8')).trim();
  if (secret.length < 32) throw new Error(`${file} holds a JWT secret shorter than 32 characters; delete it to get a new one`);
  return secret;
}
