import { temporalConnectionOptions, type AppConfig } from '@flowmate/config';
import { TERMINAL_RUN_STATUSES } from '@flowmate/contracts';
import { WorkerMetrics } from '@flowmate/observability';
import { Connection } from '@temporalio/client';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { openFlowMateWorker } from '../../apps/worker/src/flowmate-worker';
import { signIn } from '../support/auth';
import { factory } from '../support/factory';
import { pollUntil } from '../support/poll';
import { startStack, type Stack } from '../support/stack';
import { temporalAddress } from '../support/temporal';
import { issueTestCertificates, startTlsProxy, TEST_CLIENT_NAME, type TestCertificates, type TlsProxy } from '../support/tls-proxy';

const API_KEY = 'temporal-cloud-test-key';
const WORKFLOW_SERVICE = '/temporal.api.workflowservice.v1.WorkflowService';
const NO_CLIENT_CERTIFICATE = 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE';

describe('Temporal behind mTLS and an API key (e2e)', () => {
  let dir: string;
  let pki: TestCertificates;
  let proxy: TlsProxy;
  let stack: Stack;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowmate-temporal-tls-'));
    pki = await issueTestCertificates(dir);
    proxy = await startTlsProxy({ upstream: temporalAddress(), certificates: pki });
    stack = await startStack({
      worker: true,
      env: {
        TEMPORAL_ADDRESS: proxy.address,
        TEMPORAL_TLS_CERT: pki.clientCert,
        TEMPORAL_TLS_KEY: pki.clientKey,
        TEMPORAL_TLS_CA: pki.caCert,
        TEMPORAL_TLS_SERVER_NAME: 'localhost',
        TEMPORAL_API_KEY: API_KEY,
        // What the global setup's build made: bundling from source would take most of this file's time.
        WORKFLOW_BUNDLE_PATH: join(__dirname, '../../dist/workflow-bundle.js'),
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await proxy?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs an agent end to end through the proxy', async () => {
    const session = await signIn(stack, 'ada@example.com');
    const agentId = (await stack.http.post('/api/v1/agents').set('Authorization', session.bearer).send(factory.agent()).expect(201)).body.id;

    const started = await stack.http.post(`/api/v1/agents/${agentId}/run`).set('Authorization', session.bearer).send({ input: {} }).expect(202);
    const run = await pollUntil(
      async () => (await stack.http.get(`/api/v1/runs/${started.body.runId}`).set('Authorization', session.bearer).expect(200)).body,
      (body) => TERMINAL_RUN_STATUSES.includes(body.status),
    );

    expect(run).toMatchObject({ status: 'succeeded', error: null });
    await stack.http.get('/health/ready').expect(200);
  });

  it('presents the client certificate and the API key on the API client and the worker connections alike', () => {
    const callsTo = (method: string) => proxy.calls.filter((call) => call.path === `${WORKFLOW_SERVICE}/${method}`);
    const authenticated = { clientName: TEST_CLIENT_NAME, authorization: `Bearer ${API_KEY}` };

    // Only the API's client starts workflows; only the worker's NativeConnection (Temporal's Rust core) polls for tasks.
    expect(callsTo('StartWorkflowExecution')).toContainEqual(expect.objectContaining({ ...authenticated, userAgent: expect.stringMatching(/^grpc-node-js\//) }));
    expect(callsTo('PollWorkflowTaskQueue')).toContainEqual(expect.objectContaining({ ...authenticated, userAgent: expect.stringMatching(/^tonic\//) }));
    expect(proxy.calls.filter((call) => call.clientName !== TEST_CLIENT_NAME || call.authorization !== authenticated.authorization)).toEqual([]);
  });

  it('is refused without the client certificate, API key or not: the worker does not open and the client does not connect', async () => {
    const { clientCertPair: _, ...trustOnly } = stack.config.temporal.tls ?? {};
    const withoutClientCertificate: AppConfig = { ...stack.config, temporal: { ...stack.config.temporal, tls: trustOnly } };
    const refusedBefore = proxy.refusedHandshakes.length;

    const worker = await openFlowMateWorker(withoutClientCertificate, new WorkerMetrics(new Registry())).catch((error: Error) => error);
    const refusedWorker = proxy.refusedHandshakes.length;
    if (!(worker instanceof Error)) await worker.close();
    const client = Connection.lazy({ ...temporalConnectionOptions(withoutClientCertificate.temporal), connectTimeout: '2s' });
    const connected = await client
      .ensureConnected()
      .catch((error: Error) => error)
      .finally(() => client.close());

    expect(worker).toBeInstanceOf(Error);
    expect(connected).toBeInstanceOf(Error);
    expect(proxy.refusedHandshakes.slice(refusedBefore, refusedWorker)).toContain(NO_CLIENT_CERTIFICATE);
    expect(proxy.refusedHandshakes.slice(refusedWorker)).toContain(NO_CLIENT_CERTIFICATE);
  });
});
