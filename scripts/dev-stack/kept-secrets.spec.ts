import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCredentialKeys, parsePayloadKeys } from '@flowmate/config';
import { loadOrCreateCredentialsKeys, loadOrCreateJwtSecret, loadOrCreatePayloadKeys } from './kept-secrets';

describe(loadOrCreateJwtSecret.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowmate-jwt-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes a 48-byte secret readable by its owner only, and returns the same one later', async () => {
    const file = join(dir, 'jwt-secret');

    const first = await loadOrCreateJwtSecret(file);
    const second = await loadOrCreateJwtSecret(file);

    expect(Buffer.from(first, 'base64url')).toHaveLength(48);
    expect(second).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a kept secret too short for the API', async () => {
    const file = join(dir, 'jwt-secret');
    await writeFile(file, 'short\n');

    await expect(loadOrCreateJwtSecret(file)).rejects.toThrow(`${file} holds a JWT secret shorter than 32 characters`);
  });
});

describe(loadOrCreateCredentialsKeys.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowmate-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes one 32-byte development key readable by its owner only, and returns the same one later', async () => {
    const file = join(dir, 'credentials-keys');

    const first = await loadOrCreateCredentialsKeys(file);

    expect(parseCredentialKeys(first, undefined)).toEqual({ currentKeyId: 'dev', keys: { dev: expect.any(Buffer) } });
    expect(await loadOrCreateCredentialsKeys(file)).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a kept value that is not a key, saying what losing it means', async () => {
    const file = join(dir, 'credentials-keys');
    await writeFile(file, 'dev:tooshort\n');

    await expect(loadOrCreateCredentialsKeys(file)).rejects.toThrow(/does not hold valid CREDENTIALS_KEYS[\s\S]*connect integrations again/);
  });

  it('keeps a development payload key the same way', async () => {
    const file = join(dir, 'payload-keys');

    const first = await loadOrCreatePayloadKeys(file);

    expect(parsePayloadKeys(first, undefined)).toEqual({ currentKeyId: 'dev', keys: { dev: expect.any(Buffer) } });
    expect(await loadOrCreatePayloadKeys(file)).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await writeFile(file, 'dev:tooshort\n');
    await expect(loadOrCreatePayloadKeys(file)).rejects.toThrow(/does not hold valid PAYLOAD_KEYS/);
  });
});
