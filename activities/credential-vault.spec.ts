import { CredentialCipher, openTokens, sealTokens, type TokenBundle } from '@flowmate/crypto';
import { CredentialsRepository, UsersRepository } from '@flowmate/db';
import { OAuthProviders } from '@flowmate/integrations';
import { randomBytes } from 'node:crypto';
import { startGitHubFake, type GitHubFake } from '../test/fakes/github.fake';
import { startGoogleFake, type GoogleFake } from '../test/fakes/google.fake';
import { openMigratedDatabase, type MigratedDatabase } from '../test/support/database';
import { CredentialVault } from './credential-vault';

const app = { clientId: 'fake-client-id', clientSecret: 'fake-client-secret', redirectUri: 'http://127.0.0.1/callback' };

describe(CredentialVault.name, () => {
  const cipher = new CredentialCipher({ currentKeyId: 'k1', keys: { k1: randomBytes(32) } });
  let database: MigratedDatabase;
  let credentials: CredentialsRepository;
  let github: GitHubFake;
  let google: GoogleFake;
  let sut: CredentialVault;
  let users: UsersRepository;

  beforeAll(async () => {
    database = await openMigratedDatabase(12);
    credentials = new CredentialsRepository(database.db);
    users = new UsersRepository(database.db);
    github = await startGitHubFake();
    google = await startGoogleFake();
    const oauth = new OAuthProviders({ github: { oauthUrl: github.url, app }, google: { oauthUrl: google.url, app }, slack: { apiUrl: 'http://127.0.0.1:9/api/' } });
    sut = new CredentialVault({ credentials, cipher, oauth });
  });

  afterAll(async () => {
    await Promise.all([github.close(), google.close()]);
    await database?.close();
  });

  const newUser = async (): Promise<string> => (await users.findOrCreateByEmail(`${randomBytes(6).toString('hex')}@example.com`)).id;

  const connect = (userId: string, provider: 'github' | 'google', tokens: TokenBundle, expiresAt: Date | null) =>
    credentials.save(userId, provider, (rowId) => sealTokens(cipher, tokens, { rowId, userId }), { account: 'ada', accountId: '42', scopes: [], expiresAt });

  const stored = async (userId: string, provider: 'github' | 'google') => {
    const row = await credentials.find(userId, provider);
    return row && { ...row, tokens: openTokens(cipher, row.ciphertext, { rowId: row.id, userId }) };
  };

  const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

  it('fails at once, naming how to connect, when the provider is not connected', async () => {
    expect(await failureOf(sut.connection(await newUser(), 'github'))).toMatchObject({
      type: 'IntegrationNotConnected',
      nonRetryable: true,
      message: 'github is not connected: connect it with PUT /api/v1/integrations/github or GET /api/v1/oauth/github/authorize',
    });
  });

  it('hands out a token that is not about to expire without asking the provider', async () => {
    const userId = await newUser();
    await connect(userId, 'github', { accessToken: 'gho_fresh', refreshToken: 'ghr_1' }, new Date(Date.now() + 3_600_000));
    const before = github.oauth.tokenCalls;

    expect(await sut.connection(userId, 'github')).toEqual({ accessToken: 'gho_fresh', accountId: '42' });
    expect(github.oauth.tokenCalls).toBe(before);
  });

  it('refreshes an expiring token once when ten calls need it at the same moment, and stores the rotated tokens', async () => {
    const userId = await newUser();
    await connect(userId, 'github', { accessToken: 'gho_old', refreshToken: 'ghr_old' }, new Date(Date.now() + 10_000));
    github.oauth.refreshTokens.set('ghr_old', { access_token: 'gho_new', refresh_token: 'ghr_new', expires_in: 28_800 });
    const before = github.oauth.refreshCalls;

    const connections = await Promise.all(Array.from({ length: 10 }, () => sut.connection(userId, 'github')));

    expect(github.oauth.refreshCalls - before).toBe(1);
    expect(new Set(connections.map((connection) => connection.accessToken))).toEqual(new Set(['gho_new']));
    expect(await stored(userId, 'github')).toMatchObject({ tokens: { accessToken: 'gho_new', refreshToken: 'ghr_new' }, needsReauth: false, expiresAt: expect.any(Date) });
    expect((await stored(userId, 'github'))?.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 28_000_000);
  });

  it('keeps the old refresh token when the provider sends none back (Google)', async () => {
    const userId = await newUser();
    await connect(userId, 'google', { accessToken: 'ya29.old', refreshToken: '1//keep' }, new Date(Date.now() - 1_000));
    google.oauth.refreshTokens.set('1//keep', { access_token: 'ya29.new', expires_in: 3_599 });

    expect((await sut.connection(userId, 'google')).accessToken).toBe('ya29.new');
    expect((await stored(userId, 'google'))?.tokens).toEqual({ accessToken: 'ya29.new', refreshToken: '1//keep' });
  });

  it('marks the connection needsReauth when the provider refuses the refresh (invalid_grant), and fails later calls without asking again', async () => {
    const userId = await newUser();
    await connect(userId, 'google', { accessToken: 'ya29.old', refreshToken: '1//revoked' }, new Date(Date.now() - 1_000));

    expect(await failureOf(sut.connection(userId, 'google'))).toMatchObject({ type: 'CredentialsNeedReauth', nonRetryable: true });
    expect(await stored(userId, 'google')).toMatchObject({ needsReauth: true });
    const calls = google.oauth.tokenCalls;
    expect(await failureOf(sut.connection(userId, 'google'))).toMatchObject({ type: 'CredentialsNeedReauth' });
    expect(google.oauth.tokenCalls).toBe(calls);
  });

  it('needs a new connection when an expired token has no refresh token', async () => {
    const userId = await newUser();
    await connect(userId, 'github', { accessToken: 'gho_expired' }, new Date(Date.now() - 1_000));

    expect(await failureOf(sut.connection(userId, 'github'))).toMatchObject({ type: 'CredentialsNeedReauth' });
  });

  it("never reads another user's connection", async () => {
    const owner = await newUser();
    await connect(owner, 'github', { accessToken: 'gho_owner' }, null);

    expect(await failureOf(sut.connection(await newUser(), 'github'))).toMatchObject({ type: 'IntegrationNotConnected' });
  });
});
