import type { AgentDefinition, RunStatus } from '@flowmate/contracts';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openMigratedDatabase, type MigratedDatabase } from '../../../../test/support/database';
import { factory } from '../../../../test/support/factory';
import { AgentRunEntity } from '../entities';
import { AgentsRepository } from './agents.repository';
import { InvalidCursorError, pageNewestFirst } from './page';
import { RunsRepository, type NewRun } from './runs.repository';
import { UsersRepository } from './users.repository';

let database: MigratedDatabase;
let db: DataSource;
let users: UsersRepository;
let agents: AgentsRepository;

beforeAll(async () => {
  database = await openMigratedDatabase(8);
  db = database.db;
  users = new UsersRepository(db);
  agents = new AgentsRepository(db);
});

afterAll(async () => {
  await database?.close();
});

const newUser = async (): Promise<string> => (await users.findOrCreateByEmail(`${randomUUID()}@example.com`)).id;
const newAgent = async (userId: string, definition: AgentDefinition = factory.agent()): Promise<string> => (await agents.create(userId, definition)).id;
const countRuns = async (where: string, params: unknown[]): Promise<number> =>
  Number(((await db.query(`SELECT count(*) AS count FROM agent_runs WHERE ${where}`, params)) as Array<{ count: string }>)[0].count);

describe(RunsRepository.name, () => {
  let sut: RunsRepository;
  let userId: string;
  let agentId: string;

  beforeAll(async () => {
    sut = new RunsRepository(db);
    userId = await newUser();
    agentId = await newAgent(userId);
  });

  const newRun = (overrides: Partial<NewRun> = {}): NewRun => ({ userId, agentId, agentVersion: 1, trigger: 'manual', input: { topic: 'x' }, ...overrides });

  describe('createQueued', () => {
    it('inserts a queued run with its workflow id', async () => {
      const { run, created } = await sut.createQueued(newRun({ input: { topic: 'durable' }, trigger: 'webhook', agentVersion: 3 }));

      expect(created).toBe(true);
      expect(run).toMatchObject({
        userId,
        agentId,
        agentVersion: 3,
        trigger: 'webhook',
        status: 'queued',
        input: { topic: 'durable' },
        error: null,
        workflowId: `run-${run.id}`,
        idempotencyKey: null,
        startedAt: null,
        finishedAt: null,
      });
      expect(run.createdAt).toBeInstanceOf(Date);
    });

    it('returns the existing run, not a new one, for an idempotency key the user already used', async () => {
      const key = randomUUID();
      const first = await sut.createQueued(newRun({ idempotencyKey: key, input: { attempt: 1 } }));

      const second = await sut.createQueued(newRun({ idempotencyKey: key, input: { attempt: 2 } }));

      expect(first.created).toBe(true);
      expect(second).toEqual({ run: expect.objectContaining({ id: first.run.id, input: { attempt: 1 }, idempotencyKey: key }), created: false });
      expect(await countRuns('user_id = $1 AND idempotency_key = $2', [userId, key])).toBe(1);
    });

    it('creates exactly one run when concurrent requests share a key', async () => {
      const key = randomUUID();

      const results = await Promise.all(Array.from({ length: 5 }, () => sut.createQueued(newRun({ idempotencyKey: key }))));

      expect(new Set(results.map(({ run }) => run.id)).size).toBe(1);
      expect(results.filter(({ created }) => created)).toHaveLength(1);
      expect(await countRuns('user_id = $1 AND idempotency_key = $2', [userId, key])).toBe(1);
    });

    it('lets different users use the same key', async () => {
      const key = randomUUID();
      const otherUser = await newUser();
      const otherAgent = await newAgent(otherUser);

      const mine = await sut.createQueued(newRun({ idempotencyKey: key }));
      const theirs = await sut.createQueued(newRun({ userId: otherUser, agentId: otherAgent, idempotencyKey: key }));

      expect(mine.created).toBe(true);
      expect(theirs.created).toBe(true);
      expect(theirs.run.id).not.toBe(mine.run.id);
      expect(theirs.run.userId).toBe(otherUser);
    });

    it('creates a new run every time without a key', async () => {
      const first = await sut.createQueued(newRun());
      const second = await sut.createQueued(newRun());

      expect([first.created, second.created]).toEqual([true, true]);
      expect(second.run.id).not.toBe(first.run.id);
    });
  });

  describe('listOwned', () => {
    let owner: string;
    let agentA: string;
    let agentB: string;
    /** Newest first, as listOwned returns them. */
    let ids: string[];

    const statusAndAgent: Array<[RunStatus, 'a' | 'b']> = [
      ['succeeded', 'a'],
      ['failed', 'b'],
      ['succeeded', 'a'],
      ['running', 'a'],
      ['succeeded', 'b'],
    ];

    beforeAll(async () => {
      owner = await newUser();
      agentA = await newAgent(owner);
      agentB = await newAgent(owner);
      const created: string[] = [];
      for (const [index, [status, agent]] of statusAndAgent.entries()) {
        const { run } = await sut.createQueued(newRun({ userId: owner, agentId: agent === 'a' ? agentA : agentB }));
        // Whole, distinct seconds: the order is the test's, not the clock's.
        await db.query(`UPDATE agent_runs SET status = $2, created_at = $3 WHERE id = $1`, [run.id, status, new Date(Date.UTC(2025, 0, 1, 0, 0, index))]);
        created.push(run.id);
      }
      ids = created.reverse();
      const stranger = await newUser();
      await sut.createQueued(newRun({ userId: stranger, agentId: await newAgent(stranger) }));
    });

    const idsOf = (page: { items: Array<{ id: string }> }): string[] => page.items.map((run) => run.id);

    it('pages through the owner’s runs newest first', async () => {
      const first = await sut.listOwned(owner, {}, { limit: 2 });
      const second = await sut.listOwned(owner, {}, { limit: 2, cursor: first.nextCursor ?? undefined });
      const third = await sut.listOwned(owner, {}, { limit: 2, cursor: second.nextCursor ?? undefined });

      expect(idsOf(first)).toEqual(ids.slice(0, 2));
      expect(idsOf(second)).toEqual(ids.slice(2, 4));
      expect(idsOf(third)).toEqual(ids.slice(4));
      expect(first.nextCursor).toEqual(expect.any(String));
      expect(third.nextCursor).toBeNull();
    });

    it('loads summaries, leaving the possibly large input and output out', async () => {
      const { items } = await sut.listOwned(owner, {}, { limit: 1 });

      expect(items[0]).toMatchObject({ id: ids[0], status: expect.any(String), createdAt: expect.any(Date) });
      const loaded = items[0] as Partial<AgentRunEntity>;
      expect(loaded.input).toBeUndefined();
    });

    it('returns no cursor when everything fits on the page', async () => {
      const page = await sut.listOwned(owner, {}, { limit: 5 });

      expect(idsOf(page)).toEqual(ids);
      expect(page.nextCursor).toBeNull();
    });

    it('filters by agent', async () => {
      const first = await sut.listOwned(owner, { agentId: agentB }, { limit: 1 });
      const second = await sut.listOwned(owner, { agentId: agentB }, { limit: 1, cursor: first.nextCursor ?? undefined });

      expect([...idsOf(first), ...idsOf(second)]).toEqual([ids[0], ids[3]]);
      expect(second.nextCursor).toBeNull();
    });

    it('filters by status', async () => {
      const page = await sut.listOwned(owner, { status: 'succeeded' }, { limit: 10 });

      expect(idsOf(page)).toEqual([ids[0], ids[2], ids[4]]);
    });

    it('combines filters across pages', async () => {
      const first = await sut.listOwned(owner, { agentId: agentA, status: 'succeeded' }, { limit: 1 });
      const second = await sut.listOwned(owner, { agentId: agentA, status: 'succeeded' }, { limit: 1, cursor: first.nextCursor ?? undefined });

      expect([...idsOf(first), ...idsOf(second)]).toEqual([ids[2], ids[4]]);
      expect(second.nextCursor).toBeNull();
    });

    it('never returns another user’s runs', async () => {
      const page = await sut.listOwned(await newUser(), {}, { limit: 10 });

      expect(page).toEqual({ items: [], nextCursor: null });
    });

    it('skips no run when several were created within one millisecond', async () => {
      // A burst of webhook or scheduled runs: within one millisecond the id orders them.
      const burstOwner = await newUser();
      const burstAgent = await newAgent(burstOwner);
      const burst: string[] = [];
      for (let index = 0; index < 5; index++) {
        const { run } = await sut.createQueued(newRun({ userId: burstOwner, agentId: burstAgent }));
        await db.query(`UPDATE agent_runs SET created_at = $2::timestamptz WHERE id = $1`, [run.id, '2025-01-01T00:00:00.123Z']);
        burst.push(run.id);
      }

      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 5; pages++) {
        const page = await sut.listOwned(burstOwner, {}, { limit: 2, cursor });
        seen.push(...idsOf(page));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }

      expect(seen).toEqual([...burst].sort().reverse());
    });
  });

  describe('findOwnedById', () => {
    it('returns the run to its owner only', async () => {
      const { run } = await sut.createQueued(newRun());

      expect(await sut.findOwnedById(userId, run.id)).toMatchObject({ id: run.id, status: 'queued' });
      expect(await sut.findOwnedById(await newUser(), run.id)).toBeNull();
    });
  });
});

describe(pageNewestFirst.name, () => {
  const sut = pageNewestFirst;
  const cursorOf = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const query = () => db.getRepository(AgentRunEntity).createQueryBuilder('run');

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['an object', cursorOf({ createdAt: '2025-01-01T00:00:00.000Z' })],
    ['a bad date', cursorOf(['yesterday', randomUUID()])],
    ['a bad id', cursorOf(['2025-01-01T00:00:00.000Z', "x' OR '1'='1"])],
    ['a date only JavaScript reads', cursorOf(['1', randomUUID()])],
    ['an id that is not a UUID', cursorOf(['2025-01-01T00:00:00.000Z', '-'.repeat(36)])],
  ])('rejects a forged cursor (%s) with InvalidCursorError', async (_label, cursor) => {
    await expect(sut(query(), { limit: 10, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe(AgentsRepository.name, () => {
  let sut: AgentsRepository;
  let userId: string;

  beforeAll(() => {
    sut = new AgentsRepository(db);
  });

  beforeEach(async () => {
    userId = await newUser();
  });

  it('creates an agent at version 1', async () => {
    const agent = await sut.create(userId, factory.agent({ name: 'first' }));

    expect(agent).toMatchObject({ userId, name: 'first', version: 1, definition: factory.agent({ name: 'first' }) });
  });

  it('replaceOwned replaces the definition and bumps the version', async () => {
    const { id } = await sut.create(userId, factory.agent({ name: 'v1' }));
    const next = factory.agent({ name: 'v2', microAgents: [factory.microAgent({ key: 'changed' })] });

    const replaced = await sut.replaceOwned(userId, id, next);

    expect(replaced).toMatchObject({ id, name: 'v2', version: 2, definition: next });
    expect((await sut.replaceOwned(userId, id, factory.agent({ name: 'v3' })))?.version).toBe(3);
  });

  it('replaceOwned gives every concurrent edit its own version', async () => {
    const { id } = await sut.create(userId, factory.agent());

    await Promise.all(Array.from({ length: 4 }, (_, index) => sut.replaceOwned(userId, id, factory.agent({ name: `edit ${index}` }))));

    expect((await sut.findOwnedById(userId, id))?.version).toBe(5);
  });

  it("replaceOwned refuses another user's agent and leaves it unchanged", async () => {
    const { id } = await sut.create(userId, factory.agent({ name: 'mine' }));

    const result = await sut.replaceOwned(await newUser(), id, factory.agent({ name: 'hijacked' }));

    expect(result).toBeNull();
    expect(await sut.findOwnedById(userId, id)).toMatchObject({ name: 'mine', version: 1 });
  });

  it('trashOwned moves the agent to the trash, keeping it and its runs, until restoreOwned or the purge', async () => {
    const { id } = await sut.create(userId, factory.agent({ triggers: [{ type: 'github', events: ['issues'], repository: 'acme/web' }] }));
    expect(await sut.findWithGitHubTrigger('acme/web')).toContainEqual(expect.objectContaining({ id }));
    const { run } = await new RunsRepository(db).createQueued({ userId, agentId: id, agentVersion: 1, trigger: 'manual', input: {} });

    expect(await sut.trashOwned(userId, id)).toBe(true);
    expect(await sut.trashOwned(userId, id)).toBe(false);

    expect(await sut.findOwnedById(userId, id)).toMatchObject({ id, deletedAt: expect.any(Date) });
    expect(await sut.findById(id)).toBeNull();
    expect(await sut.findWithGitHubTrigger('acme/web')).not.toContainEqual(expect.objectContaining({ id }));
    expect(await sut.replaceOwned(userId, id, factory.agent({ name: 'edited in the trash' }))).toBeNull();
    expect((await sut.listOwned(userId, { limit: 100 })).items.map((agent) => agent.id)).not.toContain(id);
    expect((await sut.listOwned(userId, { limit: 100 }, { trashed: true })).items.map((agent) => agent.id)).toContain(id);

    expect(await sut.restoreOwned(userId, id)).toMatchObject({ id, deletedAt: null });
    expect(await sut.restoreOwned(userId, id)).toBeNull();
    await sut.trashOwned(userId, id);
    expect(await sut.purgeTrashed(new Date(Date.now() - 60_000), 10)).not.toContain(id);
    expect(await sut.purgeTrashed(new Date(Date.now() + 60_000), 10)).toContain(id);
    expect(await sut.findOwnedById(userId, id)).toBeNull();
    expect(await new RunsRepository(db).findOwnedById(userId, run.id)).toMatchObject({ id: run.id, agentId: null });
  });

  it("trashOwned and restoreOwned refuse another user's agent", async () => {
    const { id } = await sut.create(userId, factory.agent());

    expect(await sut.trashOwned(await newUser(), id)).toBe(false);
    expect(await sut.findOwnedById(userId, id)).toMatchObject({ deletedAt: null });
    await sut.trashOwned(userId, id);
    expect(await sut.restoreOwned(await newUser(), id)).toBeNull();
  });

  it('listOwned pages through the owner’s agents newest first', async () => {
    const created: string[] = [];
    for (let index = 0; index < 3; index++) {
      const { id } = await sut.create(userId, factory.agent({ name: `agent ${index}` }));
      await db.query(`UPDATE agents SET created_at = $2 WHERE id = $1`, [id, new Date(Date.UTC(2025, 0, 1, 0, 0, index))]);
      created.push(id);
    }
    await sut.create(await newUser(), factory.agent());

    const first = await sut.listOwned(userId, { limit: 2 });
    const second = await sut.listOwned(userId, { limit: 2, cursor: first.nextCursor ?? undefined });

    expect([...first.items, ...second.items].map((agent) => agent.id)).toEqual(created.reverse());
    expect(second.nextCursor).toBeNull();
  });
});
