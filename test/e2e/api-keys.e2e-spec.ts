import { signIn, type Session } from '../support/auth';
import { factory } from '../support/factory';
import { startStack, type Stack } from '../support/stack';

/** Personal API keys through the real API and Postgres: shown once, stored hashed, accepted wherever a JWT is. */
describe('API keys (e2e)', () => {
  let stack: Stack;
  let ada: Session;
  let bob: Session;

  beforeAll(async () => {
    stack = await startStack();
    ada = await signIn(stack, 'ada@example.com');
    bob = await signIn(stack, 'bob@example.com');
  });
  afterAll(() => stack.stop());

  const withBearer = (bearer: string) => ({
    get: (path: string) => stack.http.get(`/api/v1${path}`).set('Authorization', bearer),
    post: (path: string, body: object = {}) => stack.http.post(`/api/v1${path}`).set('Authorization', bearer).send(body),
    delete: (path: string, body: object = {}) => stack.http.delete(`/api/v1${path}`).set('Authorization', bearer).send(body),
  });
  const createKey = async (session: Session, body: object = { name: 'automation' }) => (await withBearer(session.bearer).post('/api-keys', body).expect(201)).body;

  it('shows a new key once, lists it without its secret, and stores only its hash', async () => {
    const created = await createKey(ada, { name: ' CI deploys ', expiresAt: '2099-01-01T00:00:00Z' });
    expect(created).toEqual({
      id: expect.any(String),
      name: 'CI deploys',
      key: expect.stringMatching(/^fm_[A-Za-z0-9_-]{43}$/),
      prefix: created.key.slice(0, 10),
      createdAt: expect.any(String),
      expiresAt: '2099-01-01T00:00:00.000Z',
      lastUsedAt: null,
    });

    const listed = await withBearer(ada.bearer).get('/api-keys').expect(200);
    const { key: _shownOnce, ...withoutSecret } = created;
    expect(listed.body.items).toContainEqual(withoutSecret);
    expect(JSON.stringify(listed.body)).not.toContain(created.key);
    const stored = await stack.db.query(`SELECT row_to_json(api_keys)::text AS row FROM api_keys WHERE id = $1`, [created.id]);
    expect(stored[0].row).not.toContain(created.key);
    expect((await withBearer(bob.bearer).get('/api-keys').expect(200)).body.items).toEqual([]);
  });

  it('acts as its user wherever a JWT is accepted, and the audit log names the key', async () => {
    const { id, key } = await createKey(ada);
    const asKey = withBearer(`Bearer ${key}`);

    expect((await asKey.get('/auth/me').expect(200)).body).toEqual(ada.user);
    const agent = await asKey.post('/agents', factory.agent({ name: 'made by a key' })).expect(201);
    await withBearer(ada.bearer).get(`/agents/${agent.body.id}`).expect(200);

    const audit = await withBearer(ada.bearer).get(`/audit?objectId=${agent.body.id}`).expect(200);
    expect(audit.body.items).toEqual([expect.objectContaining({ action: 'agent.created', actorUserId: ada.user.id, actorApiKeyId: id })]);
    const listed = await withBearer(ada.bearer).get('/api-keys').expect(200);
    expect(listed.body.items.find((item: { id: string }) => item.id === id).lastUsedAt).toEqual(expect.any(String));
  });

  it('cannot manage keys nor delete the account: those need a signed-in session', async () => {
    const { id, key } = await createKey(ada);
    const asKey = withBearer(`Bearer ${key}`);

    await asKey.post('/api-keys', { name: 'minted by a leaked key' }).expect(403);
    await asKey.get('/api-keys').expect(403);
    await asKey.delete(`/api-keys/${id}`).expect(403);
    await asKey.delete('/auth/me', { confirm: ada.user.email }).expect(403);
    await asKey.get('/auth/me').expect(200);
  });

  it('stops working when revoked or expired; another user’s key is not found', async () => {
    const revoked = await createKey(ada);
    await withBearer(bob.bearer).delete(`/api-keys/${revoked.id}`).expect(404);
    await withBearer(ada.bearer).delete(`/api-keys/${revoked.id}`).expect(204);
    await withBearer(`Bearer ${revoked.key}`).get('/auth/me').expect(401);
    await withBearer(ada.bearer).delete(`/api-keys/${revoked.id}`).expect(404);
    expect((await withBearer(ada.bearer).get('/api-keys').expect(200)).body.items.map((item: { id: string }) => item.id)).not.toContain(revoked.id);

    const expiring = await createKey(ada, { name: 'short-lived', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await withBearer(`Bearer ${expiring.key}`).get('/auth/me').expect(200);
    await stack.db.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.id]);
    await withBearer(`Bearer ${expiring.key}`).get('/auth/me').expect(401);
    await withBearer(`Bearer fm_${'x'.repeat(43)}`).get('/auth/me').expect(401);
  });

  it('refuses a bad request with every problem listed, and fields the caller may not set', async () => {
    const refused = await withBearer(ada.bearer).post('/api-keys', { expiresAt: 'tomorrow', userId: bob.user.id }).expect(400);
    expect(new Set(refused.body.details.map((detail: { path: string }) => detail.path))).toEqual(new Set(['expiresAt', 'name', 'userId']));
    const past = await withBearer(ada.bearer).post('/api-keys', { name: 'late', expiresAt: '2020-01-01T00:00:00Z' }).expect(400);
    expect(past.body.details).toEqual([{ path: 'expiresAt', message: 'expiresAt must be in the future' }]);
    await withBearer(ada.bearer).delete('/api-keys/not-a-uuid').expect(400);
  });
});
