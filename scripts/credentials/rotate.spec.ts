import { CredentialCipher, openTokens, seal, sealTokens } from '@flowmate/crypto';
import { CredentialsRepository, SecretsRepository, UsersRepository } from '@flowmate/db';
import { randomBytes } from 'node:crypto';
import { openMigratedDatabase, type MigratedDatabase } from '../../test/support/database';
import { rotateCredentials } from './rotate';

describe(rotateCredentials.name, () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const before = new CredentialCipher({ currentKeyId: 'old', keys: { old: oldKey } });
  const during = new CredentialCipher({ currentKeyId: 'new', keys: { old: oldKey, new: newKey } });
  const after = new CredentialCipher({ currentKeyId: 'new', keys: { new: newKey } });
  let database: MigratedDatabase;
  let credentials: CredentialsRepository;
  let secrets: SecretsRepository;
  let userId: string;

  beforeAll(async () => {
    database = await openMigratedDatabase(2);
    credentials = new CredentialsRepository(database.db);
    secrets = new SecretsRepository(database.db);
    userId = (await new UsersRepository(database.db).findOrCreateByEmail('rotate@example.com')).id;
    const fields = { account: 'ada', accountId: '1', scopes: [], expiresAt: null };
    await credentials.save(userId, 'github', (rowId) => sealTokens(before, { accessToken: 'gho_old', refreshToken: 'ghr_old' }, { rowId, userId }), fields);
    await credentials.save(userId, 'slack', (rowId) => sealTokens(before, { accessToken: 'xoxb-old' }, { rowId, userId }), fields);
    await secrets.save(userId, 'apiKey', (rowId) => seal(before, 'sk-old', { rowId, userId }));
  });

  afterAll(() => database?.close());

  it('rewraps every row under the current key, after which the old key is no longer needed', async () => {
    expect(await rotateCredentials(during, 'new', { credentials, secrets })).toEqual({ connections: 2, secrets: 1 });

    const rows = await credentials.list(userId);
    expect(rows.map((row) => row.keyId)).toEqual(['new', 'new']);
    expect(rows.map((row) => openTokens(after, row.ciphertext, { rowId: row.id, userId }))).toEqual([
      { accessToken: 'gho_old', refreshToken: 'ghr_old' },
      { accessToken: 'xoxb-old' },
    ]);
    const [secret] = await secrets.list(userId);
    expect(after.decrypt(secret.ciphertext, { rowId: secret.id, userId })).toBe('sk-old');
  });

  it('has nothing left to do on a second run', async () => {
    expect(await rotateCredentials(during, 'new', { credentials, secrets })).toEqual({ connections: 0, secrets: 0 });
  });
});
