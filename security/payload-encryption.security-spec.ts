import { TERMINAL_RUN_STATUSES } from '@flowmate/contracts';
import { ENCRYPTED_ENCODING } from '@flowmate/crypto';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { defaultPayloadConverter, METADATA_ENCODING_KEY } from '@temporalio/common';
import { signIn, type Session } from '../test/support/auth';
import { factory } from '../test/support/factory';
import { payloadsIn } from '../test/support/history-payloads';
import { pollUntil } from '../test/support/poll';
import { startStack, type Stack } from '../test/support/stack';
import { temporalAddress } from '../test/support/temporal';

const CANARY = 'canary-7b3e-payload';
const FAILURE_MESSAGE = 'is not a valid absolute URL';

/**
 * Plain by design: search attributes (Temporal indexes them; ids, and the patches a run took), and the bookkeeping the SDK's core
 * writes into markers itself, never through the codec (a patch's id; a local activity's type, attempt and
 * times; the local activity's result beside it is encrypted). Every other payload is encrypted.
 */
const CORE_MARKER_BOOKKEEPING: Record<string, { detail: string; fields: string[] }> = {
  core_patch: { detail: 'patch-data', fields: ['id', 'deprecated'] },
  core_local_activity: { detail: 'data', fields: ['seq', 'attempt', 'activity_id', 'activity_type', 'complete_time', 'backoff', 'original_schedule_time'] },
};

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const bookkeepingDetail = (event: HistoryEvent): string | undefined => CORE_MARKER_BOOKKEEPING[event.markerRecordedEventAttributes?.markerName ?? '']?.detail;

const withoutPlainByDesign = (history: temporal.api.history.v1.IHistory) => ({
  events: (history.events ?? []).map((event) => {
    const detail = bookkeepingDetail(event);
    const markerAttributes = event.markerRecordedEventAttributes;
    return {
      ...event,
      workflowExecutionStartedEventAttributes: { ...event.workflowExecutionStartedEventAttributes, searchAttributes: null },
      upsertWorkflowSearchAttributesEventAttributes: { ...event.upsertWorkflowSearchAttributesEventAttributes, searchAttributes: null },
      markerRecordedEventAttributes: detail && markerAttributes ? { ...markerAttributes, details: { ...markerAttributes.details, [detail]: null } } : markerAttributes,
    };
  }),
});

/** The core's marker bookkeeping, each payload as the JSON object it is. */
const markerBookkeeping = (history: temporal.api.history.v1.IHistory): Array<{ markerName: string; value: Record<string, unknown> }> =>
  (history.events ?? []).flatMap((event) => {
    const detail = bookkeepingDetail(event);
    const markerName = event.markerRecordedEventAttributes?.markerName ?? '';
    const payloads = detail ? (event.markerRecordedEventAttributes?.details?.[detail]?.payloads ?? []) : [];
    return payloads.map((payload) => ({ markerName, value: JSON.parse(Buffer.from(payload.data ?? []).toString()) as Record<string, unknown> }));
  });

/** What Temporal stores of a run, read without FlowMate's codec, and the codec endpoint the Web UI decodes through. */
describe('payload encryption', () => {
  let stack: Stack;
  let plain: Client;
  let connection: Connection;
  let user: Session;
  let operator: Session;
  let workflowId: string;

  beforeAll(async () => {
    stack = await startStack({ worker: true });
    connection = await Connection.connect({ address: temporalAddress() });
    plain = new Client({ connection });
    user = await signIn(stack, 'user@example.com');
    operator = await signIn(stack, 'operator@example.com');
    await stack.db.query(`UPDATE users SET role = 'operator' WHERE id = $1`, [operator.user.id]);

    const agent = await stack.http
      .post('/api/v1/agents')
      .set('Authorization', user.bearer)
      .send(
        factory.agent({
          microAgents: [
            // The definition travels in the workflow's input; the run's input stays in Postgres.
            factory.microAgent({ key: 'echo', steps: [{ id: 'render', tool: 'text.render', args: { template: `${CANARY} said {{input.note}}` } }] }),
            // Fails: failures are payloads too.
            factory.microAgent({ key: 'fail', tools: ['http.request'], steps: [{ id: 'get', tool: 'http.request', args: { method: 'GET', url: 'not a url {{input.note}}' } }] }),
          ],
        }),
      )
      .expect(201);
    const { runId } = (await stack.http.post(`/api/v1/agents/${agent.body.id}/run`).set('Authorization', user.bearer).send({ input: { note: 'hello' } }).expect(202)).body;
    const run = await pollUntil(async () => (await stack.http.get(`/api/v1/runs/${runId}`).set('Authorization', user.bearer)).body, (body) => TERMINAL_RUN_STATUSES.includes(body.status), 60_000);
    expect(run.status).toBe('failed');
    workflowId = run.workflowId;
  }, 120_000);

  afterAll(async () => {
    await connection?.close();
    await stack?.stop();
  });

  const rawHistories = async () => {
    const histories = [];
    // Listed through FlowMate's client (the list decodes memos), read through one without the codec.
    for await (const execution of stack.temporal.workflow.list({ query: `WorkflowId STARTS_WITH "${workflowId}"` })) {
      histories.push(await plain.workflow.getHandle(execution.workflowId).fetchHistory());
    }
    return histories;
  };

  it('leaves Temporal only encrypted payloads, failures included: no plaintext of the definition, no failure message', async () => {
    const histories = await rawHistories();
    expect(histories.length).toBe(3);
    const payloads = histories.flatMap((history) => payloadsIn(withoutPlainByDesign(history)));
    expect(payloads.length).toBeGreaterThan(10);
    for (const payload of payloads) {
      expect(Buffer.from(payload.metadata?.[METADATA_ENCODING_KEY] ?? []).toString()).toBe(ENCRYPTED_ENCODING);
      expect(Buffer.from(payload.data ?? []).includes(CANARY)).toBe(false);
    }
    const bookkeeping = histories.flatMap(markerBookkeeping);
    expect(bookkeeping.map(({ markerName }) => markerName)).toContain('core_local_activity');
    for (const { markerName, value } of bookkeeping) expect(CORE_MARKER_BOOKKEEPING[markerName].fields).toEqual(expect.arrayContaining(Object.keys(value)));
    const raw = JSON.stringify(histories.map(withoutPlainByDesign));
    expect(raw).not.toContain(CANARY);
    expect(raw).not.toContain(Buffer.from(CANARY).toString('base64').slice(0, 16));
    // A failure's own message is a placeholder; the real one, and its stack, are in its encrypted attributes.
    expect(raw).toContain('Encoded failure');
    expect(raw).not.toContain(FAILURE_MESSAGE);
  });

  describe('the codec endpoint', () => {
    const toJson = (payload: temporal.api.common.v1.IPayload) => ({
      metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
      data: Buffer.from(payload.data ?? []).toString('base64'),
    });
    /** Every encrypted payload of the run, as the Web UI sends them. */
    const encryptedPayloads = async () => (await rawHistories()).flatMap((history) => payloadsIn(withoutPlainByDesign(history)).map(toJson));
    const encryptedPayload = async () => (await encryptedPayloads())[0];
    const decode = (body: object) => stack.http.post('/codec/decode').set('X-Namespace', 'default').send(body);

    it('refuses a caller without a token (401) and a plain user (403)', async () => {
      const body = { payloads: [await encryptedPayload()] };
      await decode(body).expect(401);
      await decode(body).set('Origin', stack.config.temporal.uiUrl).expect(401);
      await decode(body).set('Authorization', user.bearer).expect(403);
    });

    it('decodes for an operator what the API encrypted, and encodes what it decodes', async () => {
      const decoded = await decode({ payloads: await encryptedPayloads() }).set('Authorization', operator.bearer).expect(200);
      const values = decoded.body.payloads.map((payload: { metadata: { encoding: string }; data: string }) =>
        defaultPayloadConverter.fromPayload({ metadata: { encoding: Buffer.from(payload.metadata.encoding, 'base64') }, data: Buffer.from(payload.data, 'base64') }),
      );
      expect(JSON.stringify(values)).toContain(CANARY);
      expect(JSON.stringify(values)).toContain(FAILURE_MESSAGE);

      const encoded = await stack.http.post('/codec/encode').set('Authorization', operator.bearer).send(decoded.body).expect(200);
      expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
      expect((await decode(encoded.body).set('Authorization', operator.bearer).expect(200)).body).toEqual(decoded.body);
    });

    it('lets the Temporal Web UI call it across origins with its headers', async () => {
      const ui = new URL(stack.config.temporal.uiUrl).origin;
      const preflight = await stack.http
        .options('/codec/decode')
        .set('Origin', ui)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type,x-namespace,authorization')
        .expect(204);
      expect(preflight.headers).toMatchObject({ 'access-control-allow-origin': ui, 'access-control-allow-credentials': 'true' });
      expect(preflight.headers['access-control-allow-headers'].toLowerCase()).toBe('content-type,authorization,x-namespace');
      const other = await stack.http.options('/codec/decode').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('serves the local Web UI without a token in development only, and only from its own loopback origin', async () => {
      const development = await startStack({ shareDatabaseWith: stack, env: { NODE_ENV: 'development', TEMPORAL_UI_URL: 'http://127.0.0.1:8233' } });
      try {
        const body = { payloads: [await encryptedPayload()] };
        await development.http.post('/codec/decode').set('Origin', 'http://127.0.0.1:8233').send(body).expect(200);
        await development.http.post('/codec/decode').set('Origin', 'http://127.0.0.1:9999').send(body).expect(401);
        await development.http.post('/codec/decode').send(body).expect(401);
      } finally {
        await development.stop();
      }
    });

    it('refuses a payload it cannot decrypt with 400, and a malformed body with every problem listed', async () => {
      const tampered = await encryptedPayload();
      tampered.data = Buffer.from('not the ciphertext').toString('base64');
      expect((await decode({ payloads: [tampered] }).set('Authorization', operator.bearer).expect(400)).body.message).toMatch(/does not decrypt/);
      const malformed = await decode({ payloads: [{ metadata: { encoding: '%%%' }, data: 7 }], extra: true }).set('Authorization', operator.bearer).expect(400);
      expect(malformed.body.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['extra', 'payloads[0].data', 'payloads[0].metadata']);
    });
  });
});
