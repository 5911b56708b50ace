import { agentScheduleId } from '@flowmate/contracts';
import { ScheduleNotFoundError } from '@temporalio/client';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { signIn, type Session } from '../support/auth';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

/** Deleting an account through the real API, worker, Temporal and Postgres. */
describe('Account deletion (e2e)', () => {
  let stack: Stack;
  let fixture: HttpFixture;
  let ada: Session;
  let bob: Session;

  beforeAll(async () => {
    fixture = await startHttpFixture({ 'GET /slow': { body: { ok: true }, delayMs: 30_000 } });
    stack = await startStack({ worker: true, env: { HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort } });
    ada = await signIn(stack, 'ada@example.com');
    bob = await signIn(stack, 'bob@example.com');
  });
  afterAll(async () => {
    await stack.stop();
    await fixture.close();
  });

  const rowsOf = async (userId: string): Promise<Record<string, number>> => {
    const [counts] = await stack.db.query(
      `SELECT (SELECT count(*) FROM agents WHERE user_id = $1)::int AS agents,
              (SELECT count(*) FROM agent_runs WHERE user_id = $1)::int AS runs,
              (SELECT count(*) FROM schedules WHERE user_id = $1)::int AS schedules,
              (SELECT count(*) FROM user_secrets WHERE user_id = $1)::int AS secrets,
              (SELECT count(*) FROM refresh_tokens WHERE user_id = $1)::int AS "refreshTokens",
              (SELECT count(*) FROM audit_events WHERE owner_id = $1)::int AS "auditEvents"`,
      [userId],
    );
    return counts;
  };

  it('deletes everything of the user, in Temporal too, signs them out everywhere, and leaves only a tombstone', async () => {
    const as = (path: string) => `/api/v1${path}`;
    const agentId = (await stack.http.post(as('/agents')).set('Authorization', ada.bearer).send(factory.agent()).expect(201)).body.id;
    await stack.http.put(as(`/agents/${agentId}/schedule`)).set('Authorization', ada.bearer).send({ intervalSeconds: 3600 }).expect(200);
    await stack.http.put(as('/secrets/apiKey')).set('Authorization', ada.bearer).send({ value: 'sk-ada' }).expect(200);
    const slow = (
      await stack.http
        .post(as('/agents'))
        .set('Authorization', ada.bearer)
        .send({ name: 'Slow', microAgents: [{ key: 'wait', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: `${fixture.url}/slow` } }] }] })
        .expect(201)
    ).body.id;
    const { runId } = (await stack.http.post(as(`/agents/${slow}/run`)).set('Authorization', ada.bearer).send({}).expect(202)).body;
    await pollUntil(async () => (await stack.http.get(as(`/runs/${runId}`)).set('Authorization', ada.bearer)).body.status, (status) => status === 'running', 15_000);
    const bobsAgent = (await stack.http.post(as('/agents')).set('Authorization', bob.bearer).send(factory.agent()).expect(201)).body.id;

    const refused = await stack.http.delete(as('/auth/me')).set('Authorization', ada.bearer).send({ confirm: 'bob@example.com' }).expect(400);
    expect(refused.body.details).toEqual([{ path: 'confirm', message: expect.stringContaining('e-mail') }]);
    await stack.http.delete(as('/auth/me')).set('Authorization', ada.bearer).send({}).expect(400);
    expect((await rowsOf(ada.user.id)).agents).toBe(2);

    await stack.http.delete(as('/auth/me')).set('Authorization', ada.bearer).send({ confirm: 'ADA@example.com' }).expect(204);

    expect(await rowsOf(ada.user.id)).toEqual({ agents: 0, runs: 0, schedules: 0, secrets: 0, refreshTokens: 0, auditEvents: 1 });
    const [tombstone] = await stack.db.query(`SELECT action, actor_user_id, details FROM audit_events WHERE owner_id = $1`, [ada.user.id]);
    expect(tombstone).toEqual({ action: 'user.deleted', actor_user_id: ada.user.id, details: {} });
    const scheduleGone = await stack.temporal.schedule.getHandle(agentScheduleId(agentId)).describe().then(() => false, (error) => error instanceof ScheduleNotFoundError);
    expect(scheduleGone).toBe(true);
    // Not left running for an owner who is gone: cancelled, or failed when its rows vanished under the cancel.
    const run = await pollUntil(() => stack.temporal.workflow.getHandle(`run-${runId}`).describe(), (description) => description.status.name !== 'RUNNING', 20_000);
    expect(['CANCELLED', 'FAILED']).toContain(run.status.name);

    await stack.http.get(as('/auth/me')).set('Authorization', ada.bearer).expect(401);
    await stack.http.post(as('/auth/refresh')).send({ refreshToken: ada.refreshToken }).expect(401);
    await stack.http.get(as(`/agents/${bobsAgent}`)).set('Authorization', bob.bearer).expect(200);
    const again = await signIn(stack, 'ada@example.com');
    expect(again.user.id).not.toBe(ada.user.id);
  });
});
