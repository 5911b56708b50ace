import { loadConfig } from '@flowmate/config';
import { execFile, type ExecFileException } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveK6 } from '../../scripts/dev-stack/k6-binary';
import { apiProcessSettings, startApiProcess, type ApiProcess } from '../support/api-process';
import { createTestDatabase, makeUnlimited, type TestDatabase } from '../support/database';
import { temporalAddress } from '../support/temporal';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const SMOKE_SCRIPT = join(__dirname, '..', '..', 'performance', 'k6', 'smoke.js');
/** Every address but 127.0.0.0/8: whatever the script asks for, k6 reaches this machine only. */
const ALL_BUT_LOOPBACK = ['0.0.0.0/2', '64.0.0.0/3', '96.0.0.0/4', '112.0.0.0/5', '120.0.0.0/6', '124.0.0.0/7', '126.0.0.0/8', '128.0.0.0/1', '::/0'];
/** k6's exit code when a threshold failed. */
const THRESHOLDS_FAILED = 99;
const EMAIL = 'k6@example.com';
const JOURNEY_ROUTES = ['GET /health/live', 'GET /health/ready', 'POST /agents', 'GET /agents', 'GET /agents/:id', 'POST /agents/:id/run', 'GET /runs/:id', 'GET /runs'];

interface K6Summary {
  metrics: Record<string, { values: Record<string, number> }>;
  root_group: { checks: Array<{ name: string; passes: number; fails: number }> };
}

interface K6Outcome {
  code: ExecFileException['code'];
  output: string;
  summary: K6Summary;
}

/** performance/k6/smoke.js run by the real k6 against the built API and worker as processes, rate limits on. */
describe('k6 smoke test (e2e)', () => {
  let k6: string;
  let database: TestDatabase;
  let api: ApiProcess;
  let worker: WorkerProcess;
  let workDir: string;

  beforeAll(async () => {
    // The first run on a machine builds k6 with Go, a few minutes.
    k6 = await resolveK6((message) => process.stderr.write(`${message}\n`));
    database = await createTestDatabase();
    const env = { ...apiProcessSettings(), DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporalAddress(), RATE_LIMITS_ENABLED: 'true', RATE_LIMIT_IP_PER_MINUTE: '100000' };
    api = await startApiProcess(env);
    worker = await startWorkerProcess(loadConfig('worker', { ...env, NODE_ENV: 'test' }));
    workDir = await mkdtemp(join(tmpdir(), 'flowmate-k6-'));
    await makeUnlimitedUser(EMAIL);
  }, 600_000);

  afterAll(async () => {
    worker?.process.kill('SIGKILL');
    await worker?.exited;
    await api?.kill();
    await database?.drop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  /** The account exists once it has asked for a sign-in link. */
  async function makeUnlimitedUser(email: string): Promise<void> {
    const requested = await fetch(`${api.baseUrl}/api/v1/auth`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email }) });
    expect(requested.status).toBe(202);
    await makeUnlimited(database.url, email);
  }

  async function runSmoke(env: Record<string, string>): Promise<K6Outcome> {
    const summaryPath = join(workDir, `summary-${randomUUID()}.json`);
    const args = ['run', '--quiet', '--no-usage-report', '--blacklist-ip', ALL_BUT_LOOPBACK.join(','), SMOKE_SCRIPT];
    const { code, output } = await new Promise<Omit<K6Outcome, 'summary'>>((resolve) =>
      execFile(k6, args, { env: { PATH: process.env.PATH, HOME: workDir, BASE_URL: api.baseUrl, SUMMARY_PATH: summaryPath, ...env } }, (error, stdout, stderr) =>
        resolve({ code: error ? error.code : 0, output: `${stdout}${stderr}` }),
      ),
    );
    return { code, output, summary: JSON.parse(await readFile(summaryPath, 'utf8')) as K6Summary };
  }

  it('signs in, walks every endpoint of the journey and sees runs succeed, within every threshold', async () => {
    const { code, output, summary } = await runSmoke({ EMAIL, DURATION: '8s' });

    expect({ code, output }).toEqual({ code: 0, output: expect.any(String) });
    expect(summary.metrics.http_req_failed.values.rate).toBe(0);
    const runSucceeded = summary.root_group.checks.find((check) => check.name === 'run succeeded');
    expect(runSucceeded?.fails).toBe(0);
    expect(runSucceeded?.passes).toBeGreaterThan(0);
    expect(summary.metrics.run_e2e.values.count).toBe(runSucceeded?.passes);
    for (const route of JOURNEY_ROUTES) {
      expect(summary.metrics[`http_req_duration{name:${route}}`].values).toEqual(expect.objectContaining({ med: expect.any(Number), 'p(95)': expect.any(Number), 'p(99)': expect.any(Number) }));
      expect(summary.metrics[`http_reqs{name:${route}}`].values.count).toBeGreaterThan(0);
    }
  }, 120_000);

  it('exits with failed thresholds when the API answers errors', async () => {
    const { code, output, summary } = await runSmoke({ API_KEY: 'fm_not-a-key', DURATION: '3s' });

    expect({ code, output }).toEqual({ code: THRESHOLDS_FAILED, output: expect.stringContaining('FAILED http_req_failed rate==0') });
    expect(summary.metrics.http_req_failed.values.rate).toBeGreaterThan(0);
  }, 60_000);
});
