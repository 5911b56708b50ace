import { randomBytes, randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../scripts/dev-stack/ports';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { pollUntil } from '../support/poll';
import { temporalAddress } from '../support/temporal';

const API_ENTRY = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');

/** The built API as a real process told to stop (SIGTERM) while a request is still arriving. */
describe('API shutdown (e2e)', () => {
  let database: TestDatabase;
  let api: ChildProcess;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let port: number;
  let output = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    port = await freePort();
    api = spawn(process.execPath, [API_ENTRY], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        PORT: String(port),
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: temporalAddress(),
        TEMPORAL_TASK_QUEUE: `shutdown-${randomUUID()}`,
        SCHEDULE_RECONCILE_INTERVAL_SECONDS: '0',
        JWT_SECRET: randomBytes(32).toString('base64'),
        CREDENTIALS_KEYS: `test:${randomBytes(32).toString('base64')}`,
        PAYLOAD_KEYS: `test:${randomBytes(32).toString('base64')}`,
        AUTH_MAGIC_LINK_DELIVERY: 'response',
        RATE_LIMITS_ENABLED: 'false',
      },
    });
    api.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    api.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => api.once('exit', (code, signal) => resolve({ code, signal })));
    const live = await pollUntil(() => status('/health/ready'), (code) => code === 200 || api.exitCode !== null, 60_000);
    if (live !== 200) throw new Error(`the API did not get ready:\n${output}`);
  }, 90_000);

  afterAll(async () => {
    if (api.exitCode === null && api.signalCode === null) api.kill('SIGKILL');
    await exited;
    await database.drop();
  });

  const status = (path: string): Promise<number> => fetch(`http://127.0.0.1:${port}${path}`).then((response) => response.status, () => 0);

  it('stops taking connections, answers the request under way from Postgres, then exits', async () => {
    const body = JSON.stringify({ email: 'late@example.com' });
    const { sent, answered } = trickledPost(port, '/api/v1/auth', body);
    await new Promise((resolve) => sent.once('socket', (socket) => socket.once('connect', resolve)));
    sent.write(body.slice(0, 10));
    // Nothing outside the server shows when it has parsed the headers; until then the connection counts as
    // idle and a closing server may drop it, so the signal waits a moment.
    await sleep(300);

    api.kill('SIGTERM');
    await pollUntil(() => status('/health/live'), (code) => code === 0, 10_000);
    expect(await status('/health/live')).toBe(0);
    sent.end(body.slice(10));

    const response = await answered;
    expect(response.statusCode).toBe(202);
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
  }, 60_000);
});

/** A POST whose body the test sends when it chooses, on a connection of its own. */
function trickledPost(port: number, path: string, body: string): { sent: ClientRequest; answered: Promise<IncomingMessage> } {
  let sent!: ClientRequest;
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    sent = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, resolve);
    sent.on('error', reject);
  });
  sent.flushHeaders();
  return { sent, answered };
}
