import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { apiProcessSettings, startApiProcess, type ApiProcess } from '../support/api-process';
import { pollUntil } from '../support/poll';
import { temporalAddress } from '../support/temporal';

/** The built API as a real process told to stop (SIGTERM) while a request is still arriving. */
describe('API shutdown (e2e)', () => {
  let database: TestDatabase;
  let api: ApiProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startApiProcess({ ...apiProcessSettings(), DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporalAddress() });
  }, 90_000);

  afterAll(async () => {
    await api?.kill();
    await database.drop();
  });

  const status = (path: string): Promise<number> => fetch(`${api.baseUrl}${path}`).then((response) => response.status, () => 0);

  it('stops taking connections, answers the request under way from Postgres, then exits', async () => {
    const body = JSON.stringify({ email: 'late@example.com' });
    const { sent, answered } = trickledPost(api.port, '/api/v1/auth', body);
    await new Promise((resolve) => sent.once('socket', (socket) => socket.once('connect', resolve)));
    sent.write(body.slice(0, 10));
    // Nothing outside the server shows when it has parsed the headers; until then the connection counts as
    // idle and a closing server may drop it, so the signal waits a moment.
    await sleep(300);

    api.process.kill('SIGTERM');
    await pollUntil(() => status('/health/live'), (code) => code === 0, 10_000);
    expect(await status('/health/live')).toBe(0);
    sent.end(body.slice(10));

    const response = await answered;
    expect(response.statusCode).toBe(202);
    expect(await api.exited).toEqual({ code: null, signal: 'SIGTERM' });
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
