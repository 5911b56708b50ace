import type { AgentDefinition } from '@flowmate/contracts';
import type { DestinationStream } from 'pino';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { startHttpFixture, type HttpFixture } from '../fakes/http-fixture';
import { signIn, type Session } from '../support/auth';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';

interface RunAgent {
  key: string;
  status: string;
  steps: Array<{ id: string; status: string }>;
}

interface ServerSentEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

interface EventStream {
  status: number;
  /** Resolves with the events received once `count` have arrived (the connection is then dropped) or the server ends the stream. */
  events: Promise<ServerSentEvent[]>;
}

/** Reads a Server-Sent Events stream over a plain HTTP connection, parsing the wire format itself. */
function readEvents(url: string, headers: Record<string, string>, count = Infinity): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(url, { headers }, (response: IncomingMessage) => {
      const events = new Promise<ServerSentEvent[]>((done, failed) => {
        const received: ServerSentEvent[] = [];
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
            if (fields.id) received.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
            if (received.length >= count) {
              call.destroy();
              done(received);
              return;
            }
          }
        });
        response.on('end', () => done(received));
        response.on('error', failed);
      });
      resolve({ status: response.statusCode ?? 0, events });
    });
    call.on('error', reject);
    call.end();
  });
}

/** GET /runs/:id/events against the real API, worker, Temporal and Postgres. */
describe('run events (e2e): Server-Sent Events', () => {
  let stack: Stack;
  let fixture: HttpFixture;
  let ada: Session;
  let bob: Session;
  const apiLog: string[] = [];
  const logDestination: DestinationStream = { write: (line: string) => void apiLog.push(line) };

  beforeAll(async () => {
    fixture = await startHttpFixture({
      'GET /users': { body: [{ name: 'ada' }], delayMs: 300 },
      'GET /repos': { body: [{ name: 'engine' }], delayMs: 300 },
      'GET /slow': { body: { slow: true }, delayMs: 30_000 },
    });
    stack = await startStack({ worker: true, env: { HTTP_TOOL_ALLOWED_HOSTS: fixture.hostPort, LOG_LEVEL: 'info' }, logDestination });
    ada = await signIn(stack, 'ada@example.com');
    bob = await signIn(stack, 'bob@example.com');
  });
  afterAll(async () => {
    await stack.stop();
    await fixture.close();
  });

  const eventsUrl = (runId: string, query = '') => `${stack.baseUrl}/api/v1/runs/${runId}/events${query}`;

  const startRun = async (definition: AgentDefinition): Promise<string> => {
    const agent = await stack.http.post('/api/v1/agents').set('Authorization', ada.bearer).send(definition).expect(201);
    return (await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', ada.bearer).send({ input: { baseUrl: fixture.url } }).expect(202)).body.runId;
  };
  const startDigest = (): Promise<string> => startRun(factory.digestAgent());

  const storedEvents = async (runId: string): Promise<Array<{ id: string; type: string }>> =>
    stack.db.query(`SELECT id::text AS id, type FROM run_events WHERE run_id = $1 ORDER BY run_events.id`, [runId]);

  it('delivers every event exactly once, in order, across a disconnect and a Last-Event-ID reconnect, then ends', async () => {
    const runId = await startDigest();

    const first = await readEvents(eventsUrl(runId), { Authorization: ada.bearer }, 7);
    expect(first.status).toBe(200);
    const half = await first.events;
    expect(half).toHaveLength(7);
    const rest = await (await readEvents(eventsUrl(runId), { Authorization: ada.bearer, 'Last-Event-ID': half.at(-1)!.id })).events;

    const received = [...half, ...rest];
    expect(received.at(-1)).toMatchObject({ event: 'run.finished', data: { status: 'succeeded', error: null } });
    expect(received.map((event) => [event.id, event.event])).toEqual((await storedEvents(runId)).map((event) => [event.id, event.type]));
    expect(received.map((event) => BigInt(event.id))).toEqual([...received.map((event) => BigInt(event.id))].sort((a, b) => (a < b ? -1 : 1)));
    const run = (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', ada.bearer).expect(200)).body;
    expect(received.at(-1)?.data.status).toBe(run.status);
    const finishedAgents = received.filter((event) => event.event === 'micro_agent.finished').map((event) => [event.data.key, event.data.status]);
    expect(finishedAgents.sort()).toEqual(run.microAgents.map((agent: RunAgent) => [agent.key, agent.status]).sort());
    const finishedSteps = new Map(received.filter((event) => event.event === 'step.finished').map((event) => [event.data.stepKey, event.data.status]));
    expect([...finishedSteps].sort()).toEqual(run.microAgents.flatMap((agent: RunAgent) => agent.steps.map((step) => [`${agent.key}/${step.id}`, step.status])).sort());
    const usersFetch = received.find((event) => event.event === 'step.finished' && event.data.stepKey === 'users/fetch');
    expect(usersFetch?.data).toMatchObject({ status: 'succeeded', tool: 'http.request', output: { value: { status: 200, body: [{ name: 'ada' }] }, truncated: false } });
  });

  it('replays a finished run and ends; a reconnect after the final event ends at once', async () => {
    const runId = await startDigest();
    await pollUntil(async () => (await storedEvents(runId)).some((event) => event.type === 'run.finished'), (done) => done, 30_000);

    const replayed = await (await readEvents(eventsUrl(runId), { Authorization: ada.bearer })).events;
    expect(replayed.map((event) => event.id)).toEqual((await storedEvents(runId)).map((event) => event.id));

    const after = await readEvents(eventsUrl(runId), { Authorization: ada.bearer, 'Last-Event-ID': replayed.at(-1)!.id });
    expect(after.status).toBe(204);
    expect(await after.events).toEqual([]);
  });

  it('ends open streams when the API shuts down, and another API process resumes them', async () => {
    const runId = await startRun({ name: 'Slow', microAgents: [{ key: 'wait', tools: ['http.request'], steps: [{ id: 'slow', tool: 'http.request', args: { method: 'GET', url: '{{input.baseUrl}}/slow' } }] }] });
    const second = await startStack({ shareDatabaseWith: stack });
    const opened = await readEvents(`${second.baseUrl}/api/v1/runs/${runId}/events`, { Authorization: ada.bearer });
    await pollUntil(async () => (await storedEvents(runId)).some((event) => event.type === 'step.started'), (started) => started, 30_000);

    const stopping = Date.now();
    await second.stop();
    expect(Date.now() - stopping).toBeLessThan(5_000);
    const beforeShutdown = await opened.events;

    await stack.http.post(`/api/v1/runs/${runId}/cancel`).set('Authorization', ada.bearer).expect(202);
    const lastId = beforeShutdown.at(-1)?.id;
    const rest = await (await readEvents(eventsUrl(runId), { Authorization: ada.bearer, ...(lastId ? { 'Last-Event-ID': lastId } : {}) })).events;
    expect(rest.at(-1)).toMatchObject({ event: 'run.finished', data: { status: 'cancelled' } });
    expect([...beforeShutdown, ...rest].map((event) => event.id)).toEqual((await storedEvents(runId)).map((event) => event.id).filter((id) => BigInt(id) <= BigInt(rest.at(-1)!.id)));
  });

  it("takes ?access_token= on this route only, and never logs it", async () => {
    const runId = await startDigest();

    const stream = await readEvents(eventsUrl(runId, `?access_token=${ada.accessToken}`), {});
    expect(stream.status).toBe(200);
    expect((await stream.events).at(-1)?.event).toBe('run.finished');
    await stack.http.get(`/api/v1/runs/${runId}?access_token=${ada.accessToken}`).expect(401);
    expect(apiLog.join('\n')).not.toContain(ada.accessToken);
  });

  it("refuses another user's run, a malformed Last-Event-ID and no token", async () => {
    const runId = await startDigest();

    expect((await readEvents(eventsUrl(runId), { Authorization: bob.bearer })).status).toBe(404);
    await stack.http.get(`/api/v1/runs/${runId}/events`).set('Authorization', ada.bearer).set('Last-Event-ID', 'abc').expect(400);
    await stack.http.get(`/api/v1/runs/${runId}/events`).expect(401);
  });
});
