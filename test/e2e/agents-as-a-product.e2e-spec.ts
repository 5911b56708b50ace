import { agentScheduleId, maintenanceScheduleId, TERMINAL_RUN_STATUSES, type AgentDefinition } from '@flowmate/contracts';
import { ScheduleNotFoundError } from '@temporalio/client';
import { signIn, type Session } from '../support/auth';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

/** Versions, the trash, export, import and clone, through the real API, worker, Temporal and Postgres. */
describe('Agents as a product (e2e)', () => {
  let stack: Stack;
  let ada: Session;
  let bob: Session;

  beforeAll(async () => {
    stack = await startStack({ worker: true });
    ada = await signIn(stack, 'ada@example.com');
    bob = await signIn(stack, 'bob@example.com');
  });
  afterAll(() => stack.stop());

  const agents = '/api/v1/agents';
  const v1 = factory.agent({ name: 'Digest', microAgents: [factory.microAgent({ key: 'fetch' }), factory.microAgent({ key: 'post' })] });
  const v2: AgentDefinition = { ...v1, description: 'now with a summary', microAgents: [factory.microAgent({ key: 'fetch' }), factory.microAgent({ key: 'summarise' })] };
  const create = async (definition: AgentDefinition): Promise<string> => (await stack.http.post(agents).set('Authorization', ada.bearer).send(definition).expect(201)).body.id;

  it('lists every version with who saved it and what it changed, shows each as it was, and restores one as a new version', async () => {
    const id = await create(v1);
    await stack.http.put(`${agents}/${id}`).set('Authorization', ada.bearer).send(v2).expect(200);

    const listed = await stack.http.get(`${agents}/${id}/versions`).set('Authorization', ada.bearer).expect(200);
    expect(listed.body).toEqual({
      items: [
        { version: 2, createdAt: expect.any(String), createdBy: { id: ada.user.id, email: 'ada@example.com' }, restoredFrom: null, summary: 'micro agents added: summarise; removed: post; also changed: description' },
        { version: 1, createdAt: expect.any(String), createdBy: { id: ada.user.id, email: 'ada@example.com' }, restoredFrom: null, summary: 'created' },
      ],
      nextCursor: null,
    });
    const first = await stack.http.get(`${agents}/${id}/versions/1`).set('Authorization', ada.bearer).expect(200);
    expect(first.body.definition).toEqual(v1);

    const restored = await stack.http.post(`${agents}/${id}/versions/1/restore`).set('Authorization', ada.bearer).expect(200);
    expect(restored.body).toMatchObject({ id, version: 3, microAgents: v1.microAgents });
    expect(restored.body.description).toBeUndefined();
    const page = await stack.http.get(`${agents}/${id}/versions?limit=1`).set('Authorization', ada.bearer).expect(200);
    expect(page.body.items).toEqual([expect.objectContaining({ version: 3, restoredFrom: 1, summary: 'restored version 1; micro agents added: post; removed: summarise; also changed: description' })]);
    const next = await stack.http.get(`${agents}/${id}/versions?limit=1&cursor=${page.body.nextCursor}`).set('Authorization', ada.bearer).expect(200);
    expect(next.body.items.map((item: { version: number }) => item.version)).toEqual([2]);

    await stack.http.get(`${agents}/${id}/versions/9`).set('Authorization', ada.bearer).expect(404);
    await stack.http.get(`${agents}/${id}/versions/one`).set('Authorization', ada.bearer).expect(400);
    await stack.http.get(`${agents}/${id}/versions?cursor=forged`).set('Authorization', ada.bearer).expect(400);
    await stack.http.get(`${agents}/${id}/versions`).set('Authorization', bob.bearer).expect(404);
    await stack.http.post(`${agents}/${id}/versions/1/restore`).set('Authorization', bob.bearer).expect(404);
  });

  it('a run links to the version it used', async () => {
    const id = await create(v1);
    const { runId } = (await stack.http.post(`${agents}/${id}/run`).set('Authorization', ada.bearer).send({}).expect(202)).body;
    await stack.http.put(`${agents}/${id}`).set('Authorization', ada.bearer).send(v2).expect(200);
    const run = (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body;
    expect(run).toMatchObject({ agentVersion: 1, agentVersionUrl: `/api/v1/agents/${id}/versions/1` });
    const used = await stack.http.get(run.agentVersionUrl).set('Authorization', ada.bearer).expect(200);
    expect(used.body.definition).toEqual(v1);
  });

  it('deleting moves an agent to the trash: listed there, runs kept and readable, new runs and edits refused, until restored', async () => {
    const id = await create(v1);
    const { runId } = (await stack.http.post(`${agents}/${id}/run`).set('Authorization', ada.bearer).send({}).expect(202)).body;
    await pollUntil(async () => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer)).body.status, (status) => TERMINAL_RUN_STATUSES.includes(status), 20_000);

    await stack.http.delete(`${agents}/${id}`).set('Authorization', bob.bearer).expect(404);
    await stack.http.delete(`${agents}/${id}`).set('Authorization', ada.bearer).expect(204);
    await stack.http.delete(`${agents}/${id}`).set('Authorization', ada.bearer).expect(409);

    const live = await stack.http.get(agents).set('Authorization', ada.bearer).expect(200);
    expect(live.body.items.map((agent: { id: string }) => agent.id)).not.toContain(id);
    const trash = await stack.http.get(`${agents}?deleted=true`).set('Authorization', ada.bearer).expect(200);
    expect(trash.body.items).toEqual([expect.objectContaining({ id, deletedAt: expect.any(String) })]);
    await stack.http.get(`${agents}?deleted=maybe`).set('Authorization', ada.bearer).expect(400);

    const refused = await stack.http.post(`${agents}/${id}/run`).set('Authorization', ada.bearer).send({}).expect(409);
    expect(refused.body.message).toContain('in the trash');
    await stack.http.put(`${agents}/${id}`).set('Authorization', ada.bearer).send(v2).expect(409);
    await stack.http.post(`/api/v1/runs/${runId}/rerun`).set('Authorization', ada.bearer).send({}).expect(409);
    expect((await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body).toMatchObject({ agentId: id, status: 'succeeded' });
    expect((await stack.http.get(`${agents}/${id}/versions`).set('Authorization', ada.bearer).expect(200)).body.items).toHaveLength(1);

    await stack.http.post(`${agents}/${id}/restore`).set('Authorization', bob.bearer).expect(404);
    const restored = await stack.http.post(`${agents}/${id}/restore`).set('Authorization', ada.bearer).expect(200);
    expect(restored.body).toMatchObject({ id, version: 1 });
    expect(restored.body.deletedAt).toBeUndefined();
    await stack.http.post(`${agents}/${id}/restore`).set('Authorization', ada.bearer).expect(409);
    await stack.http.post(`${agents}/${id}/run`).set('Authorization', ada.bearer).send({}).expect(202);
  });

  it('the hourly maintenance job purges agents trashed past the retention with their schedules, old finished runs and old audit events', async () => {
    const id = await create(v1);
    const { runId } = (await stack.http.post(`${agents}/${id}/run`).set('Authorization', ada.bearer).send({}).expect(202)).body;
    await stack.http.put(`${agents}/${id}/schedule`).set('Authorization', ada.bearer).send({ intervalSeconds: 3600 }).expect(200);
    const kept = await create(v1);
    const old = (await stack.http.post(`${agents}/${kept}/run`).set('Authorization', ada.bearer).send({}).expect(202)).body.runId;
    await pollUntil(async () => (await stack.http.get(`/api/v1/runs/${old}`).set('Authorization', ada.bearer)).body.status, (status) => TERMINAL_RUN_STATUSES.includes(status), 20_000);
    await stack.http.delete(`${agents}/${id}`).set('Authorization', ada.bearer).expect(204);
    await stack.http.delete(`${agents}/${kept}`).set('Authorization', ada.bearer).expect(204);
    await stack.db.query(`UPDATE agents SET deleted_at = now() - interval '31 days' WHERE id = $1`, [id]);
    // Past the run and audit retentions (90 and 365 days by default).
    await stack.db.query(`UPDATE agent_runs SET finished_at = now() - interval '91 days' WHERE id = $1`, [old]);
    await stack.db.query(`UPDATE audit_events SET occurred_at = now() - interval '366 days' WHERE owner_id = $1 AND action = 'user.signed_in'`, [ada.user.id]);

    // The API creates the installation's maintenance schedule at startup, in the background.
    const maintenance = stack.temporal.schedule.getHandle(maintenanceScheduleId(stack.config.temporal.taskQueue));
    expect(await pollUntil(() => maintenance.describe().then(() => true, () => false), Boolean, 10_000)).toBe(true);
    await maintenance.trigger();

    const purged = await pollUntil(async () => (await stack.http.get(`${agents}/${id}`).set('Authorization', ada.bearer)).status, (status) => status === 404, 20_000);
    expect(purged).toBe(404);
    const scheduleGone = await stack.temporal.schedule.getHandle(agentScheduleId(id)).describe().then(() => false, (error) => error instanceof ScheduleNotFoundError);
    expect(scheduleGone).toBe(true);
    expect((await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body).toMatchObject({ agentId: null, agentVersionUrl: null });
    await stack.http.get(`${agents}/${kept}`).set('Authorization', ada.bearer).expect(200);
    const audit = await stack.http.get(`/api/v1/audit?objectId=${id}&action=agent.purged`).set('Authorization', ada.bearer).expect(200);
    expect(audit.body.items).toEqual([expect.objectContaining({ action: 'agent.purged', actorUserId: null, details: { name: 'Digest' } })]);
    // The retention purges come after the trash's in the same pass.
    const oldRun = await pollUntil(async () => (await stack.http.get(`/api/v1/runs/${old}`).set('Authorization', ada.bearer)).status, (status) => status === 404, 20_000);
    expect(oldRun).toBe(404);
    expect((await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body.id).toBe(runId);
    const signIns = await pollUntil(
      async () => (await stack.http.get('/api/v1/audit?action=user.signed_in').set('Authorization', ada.bearer).expect(200)).body.items,
      (items) => items.length === 0,
      20_000,
    );
    expect(signIns).toEqual([]);
  });

  it('exports an agent with its schedule and nothing of its owner; an import elsewhere recreates it, schedule paused, and exports the same', async () => {
    const definition: AgentDefinition = { ...v2, triggers: undefined, concurrency: { policy: 'queue' } };
    const id = await create(definition);
    await stack.http.put(`${agents}/${id}/schedule`).set('Authorization', ada.bearer).send({ cron: '0 7 * * 1-5', timezone: 'Europe/Paris', input: { team: 'web' } }).expect(200);
    const exported = (await stack.http.get(`${agents}/${id}/export`).set('Authorization', ada.bearer).expect(200)).body;
    expect(exported).toEqual({
      flowmate: 1,
      agent: {
        ...JSON.parse(JSON.stringify(definition)),
        schedule: { cron: '0 7 * * 1-5', timezone: 'Europe/Paris', overlap: 'skip', catchupWindowSeconds: 3600, jitterSeconds: 0, input: { team: 'web' } },
      },
    });
    expect(JSON.stringify(exported)).not.toMatch(new RegExp(`${id}|${ada.user.id}|ada@example.com`));
    await stack.http.get(`${agents}/${id}/export`).set('Authorization', bob.bearer).expect(404);

    const imported = await stack.http.post(`${agents}/import`).set('Authorization', bob.bearer).send(exported).expect(201);
    expect(imported.body).toMatchObject({ version: 1, name: 'Digest', concurrency: { policy: 'queue' } });
    expect(imported.body.id).not.toBe(id);
    const schedule = (await stack.http.get(`${agents}/${imported.body.id}/schedule`).set('Authorization', bob.bearer).expect(200)).body;
    expect(schedule).toMatchObject({ cron: '0 7 * * 1-5', timezone: 'Europe/Paris', paused: true, input: { team: 'web' } });
    const reExported = (await stack.http.get(`${agents}/${imported.body.id}/export`).set('Authorization', bob.bearer).expect(200)).body;
    expect(reExported).toEqual(exported);
  });

  it('refuses an import the way it refuses a create, every problem by path, and stores nothing', async () => {
    const before = (await stack.http.get(agents).set('Authorization', bob.bearer).expect(200)).body.items.length;
    const bad = await stack.http
      .post(`${agents}/import`)
      .set('Authorization', bob.bearer)
      .send({ flowmate: 2, extra: true, agent: { name: '', microAgents: [{ key: 'Bad Key', tools: ['nope'], steps: [] }], schedule: { cron: '0 9 * *', colour: 'red' } } })
      .expect(400);
    const paths = bad.body.details.map((problem: { path: string }) => problem.path);
    expect(paths).toEqual(expect.arrayContaining(['extra', 'flowmate', 'agent.name', 'agent.schedule.cron', 'agent.schedule.colour']));
    expect(paths.some((path: string) => path.startsWith('agent.microAgents[0]'))).toBe(true);
    await stack.http.post(`${agents}/import`).set('Authorization', bob.bearer).send([]).expect(400);
    expect((await stack.http.get(agents).set('Authorization', bob.bearer).expect(200)).body.items).toHaveLength(before);
  });

  it('clones the current version as a new agent, named as asked or as a copy', async () => {
    const id = await create(v1);
    await stack.http.put(`${agents}/${id}`).set('Authorization', ada.bearer).send(v2).expect(200);
    const copy = await stack.http.post(`${agents}/${id}/clone`).set('Authorization', ada.bearer).send({}).expect(201);
    expect(copy.body).toMatchObject({ name: 'Digest (copy)', version: 1, description: 'now with a summary', microAgents: v2.microAgents });
    expect(copy.body.id).not.toBe(id);
    const named = await stack.http.post(`${agents}/${id}/clone`).set('Authorization', ada.bearer).send({ name: 'Weekly digest' }).expect(201);
    expect(named.body.name).toBe('Weekly digest');
    await stack.http.post(`${agents}/${id}/clone`).set('Authorization', ada.bearer).send({ name: '' }).expect(400);
    await stack.http.post(`${agents}/${id}/clone`).set('Authorization', bob.bearer).send({}).expect(404);
  });

  describe('declared inputs', () => {
    const inputSchema = {
      type: 'object',
      properties: { team: { type: 'string', minLength: 1 }, days: { type: 'integer', minimum: 1, maximum: 31 } },
      required: ['team'],
      additionalProperties: false,
    };
    const declared: AgentDefinition = {
      name: 'Team report',
      inputSchema,
      microAgents: [{ key: 'say', tools: ['text.render'], steps: [{ id: 'render', tool: 'text.render', args: { template: 'Report for {{input.team}} over {{input.days}} days' } }] }],
    };

    it('refuses a schema that is not one, or templates reading inputs it does not declare', async () => {
      const notObject = await stack.http.post(agents).set('Authorization', ada.bearer).send({ ...declared, inputSchema: { type: 'string' } }).expect(400);
      expect(notObject.body.details).toEqual(expect.arrayContaining([{ path: 'inputSchema.type', message: expect.stringContaining('"object"') }]));
      const broken = await stack.http.post(agents).set('Authorization', ada.bearer).send({ ...declared, inputSchema: { type: 'object', properties: { team: { type: 'text' } } } }).expect(400);
      expect(broken.body.details).toEqual(expect.arrayContaining([{ path: 'inputSchema', message: expect.stringContaining('not a valid JSON Schema') }]));
      const undeclared = await stack.http
        .post(agents)
        .set('Authorization', ada.bearer)
        .send({ ...declared, microAgents: [{ ...declared.microAgents[0], steps: [{ id: 'render', tool: 'text.render', args: { template: 'For {{input.owner}}' } }] }] })
        .expect(400);
      expect(undeclared.body.details).toEqual([{ path: 'microAgents[0].steps[0].args.template', message: '{{input.owner}} reads input "owner", which inputSchema does not declare' }]);
      const webhook = await stack.http
        .post(agents)
        .set('Authorization', ada.bearer)
        .send({ ...declared, triggers: [{ type: 'github', events: ['pull_request.opened'], repository: 'acme/web' }] })
        .expect(400);
      expect(webhook.body.details).toEqual([{ path: 'triggers[0].events[0]', message: expect.stringContaining('would not fit inputSchema') }]);
    });

    it('checks every start against the schema: runs, reruns and schedules, every problem by path', async () => {
      const id = await create(declared);
      const bad = await stack.http.post(`${agents}/${id}/run`).set('Authorization', ada.bearer).send({ input: { days: 40, extra: 1 } }).expect(400);
      expect(bad.body.details).toEqual(
        expect.arrayContaining([
          { path: 'input.team', message: 'is required' },
          { path: 'input.extra', message: 'is not declared in the agent’s inputSchema' },
          { path: 'input.days', message: expect.stringContaining('<= 31') },
        ]),
      );
      const { runId } = (await stack.http.post(`${agents}/${id}/run`).set('Authorization', ada.bearer).send({ input: { team: 'web', days: 7 } }).expect(202)).body;
      const run = await pollUntil(async () => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer)).body, (body) => TERMINAL_RUN_STATUSES.includes(body.status), 20_000);
      expect(run.output.say.text).toBe('Report for web over 7 days');
      await stack.http.post(`/api/v1/runs/${runId}/rerun`).set('Authorization', ada.bearer).send({ input: { team: '' } }).expect(400);
      const schedule = await stack.http.put(`${agents}/${id}/schedule`).set('Authorization', ada.bearer).send({ intervalSeconds: 3600, input: { days: 2 } }).expect(400);
      expect(schedule.body.details).toEqual([{ path: 'input.team', message: 'is required' }]);
    });
  });
});
