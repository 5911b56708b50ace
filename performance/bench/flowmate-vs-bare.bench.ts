import { Client, Connection } from '@temporalio/client';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { createTestDatabase, makeUnlimited, withDatabase, type TestDatabase } from '../../test/support/database';
import { pollUntil } from '../../test/support/poll';
import { temporalAddress } from '../../test/support/temporal';
import BENCHMARK_AGENT from '../benchmark-agent.json';
import { seedRuns } from './bench-fixtures';
import { startBareHttp, startBareWorker, startFlowMate, type BenchProcess, type FlowMateProcesses } from './bench-processes';
import { loadEndpoint, type EndpointRequest, type EndpointResult, type LoadShape } from './endpoint-load';
import { summarize } from './latency-stats';
import { findProcess, UsageSampler } from './process-usage';
import { writeReport, type BenchReport } from './report';
import { closedLoop, openRate, runsPerSecond, type RunOnce, type RunSample } from './run-drivers';
import { bareTemporalRun, flowMateRun } from './run-targets';

/**
 * `npm run bench`: bare Temporal, FlowMate and a bare Fastify + pg server side by side in one session,
 * each phase measured for one right after the other; both workers keep the SDK's default settings.
 * Writes performance/results/<date>-<commit>.md.
 */
const SECONDS = (name: string, fallback: number): number => Number(process.env[name] ?? fallback) * 1000;
const PHASE_MS = SECONDS('BENCH_PHASE_SECONDS', 30);
const E2E_RATE = Number(process.env.BENCH_E2E_RATE ?? 1);
const THROUGHPUT_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const BURST_RUNS = 500;
const STORED_RUNS = Number(process.env.BENCH_STORED_RUNS ?? 100_000);
const ENDPOINT_DURATION = `${process.env.BENCH_ENDPOINT_SECONDS ?? 20}s`;

/** Settings of FlowMate's API changed for a lever under test: `BENCH_API_X=v` starts it with `X=v`. */
const API_OVERRIDES = Object.fromEntries(
  Object.entries(process.env)
    .filter(([name]) => name.startsWith('BENCH_API_'))
    .map(([name, value]) => [name.slice('BENCH_API_'.length), value as string]),
);

jest.setTimeout(30 * 60_000);

describe('FlowMate against bare Temporal and a bare HTTP stack', () => {
  let database: TestDatabase;
  let flowMate: FlowMateProcesses;
  let bareWorker: BenchProcess;
  let bareHttp: BenchProcess & { url: string };
  let temporal: Client;
  let bearer: string;
  let agentId: string;
  let apiUrl: string;
  const bareTaskQueue = `bare-${randomUUID()}`;
  const report: BenchReport = { startedAt: new Date(), commit: gitCommit(), machine: `${cpus().length} cores, ${cpus()[0]?.model}`, apiOverrides: API_OVERRIDES, rows: [], usage: {}, notes: [] };

  beforeAll(async () => {
    database = await createTestDatabase();
    flowMate = await startFlowMate(database.url, temporalAddress(), API_OVERRIDES);
    bareWorker = await startBareWorker(temporalAddress(), bareTaskQueue);
    bareHttp = await startBareHttp(database.url, flowMate.settings.JWT_SECRET);
    temporal = new Client({ connection: await Connection.connect({ address: temporalAddress() }) });
    apiUrl = `${flowMate.api.baseUrl}/api/v1`;
    bearer = `Bearer ${await signInUnlimited(apiUrl, database.url, 'bench@flowmate.test')}`;
    agentId = await createAgent(apiUrl, bearer);
    const temporalServer = findProcess((commandLine) => commandLine.includes('start-dev') && commandLine.includes(`--port ${temporalAddress().split(':')[1]}`));
    measured = {
      'FlowMate API': flowMate.api.process.pid as number,
      'FlowMate worker': flowMate.worker.process.pid as number,
      'bare worker': bareWorker.pid,
      'bare HTTP': bareHttp.pid,
      ...(temporalServer ? { 'Temporal dev server': temporalServer } : {}),
    };
  });

  afterAll(async () => {
    if (report.rows.length) await writeReport(report);
    await temporal?.connection.close();
    await Promise.all([bareHttp?.stop(), bareWorker?.stop(), stopGracefully(flowMate?.worker), stopGracefully(flowMate?.api)]);
    await database?.drop();
  });

  /** Every process a phase is measured on, by name; the dev server only when it runs on this machine. */
  let measured: Record<string, number>;

  async function measureRuns(label: string, drive: (run: RunOnce) => Promise<RunSample>): Promise<{ bare: RunSample; flowMate: RunSample }> {
    const bare = await withUsage(`${label}, bare Temporal`, () => drive(bareTemporalRun(temporal, bareTaskQueue)));
    const fm = await withUsage(`${label}, FlowMate`, () => drive(flowMateRun(apiUrl, bearer, agentId)));
    for (const [who, sample] of [['bare', bare], ['FlowMate', fm]] as const) {
      if (sample.failures.length) report.notes.push(`${label}, ${who}: ${sample.failures.length} failed runs, e.g. ${sample.failures[0]}`);
    }
    return { bare, flowMate: fm };
  }

  async function withUsage<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const sampler = new UsageSampler(measured);
    sampler.start();
    try {
      return await work();
    } finally {
      report.usage[phase] = sampler.stop();
    }
  }

  it('warms both up', async () => {
    await measureRuns('warm-up', (run) => closedLoop(run, { concurrency: 4, durationMs: 10_000 }));
  });

  it(`run end to end at ${E2E_RATE} runs/s`, async () => {
    const { bare, flowMate: fm } = await measureRuns('run end to end', (run) => openRate(run, { perSecond: E2E_RATE, durationMs: PHASE_MS }));
    const [b, f] = [summarize(bare.latenciesMs), summarize(fm.latenciesMs)];
    report.rows.push(
      { measure: `run end to end p50 (ms), ${E2E_RATE} runs/s`, flowMate: f.p50, bare: b.p50, target: { ratioAtMost: 1.2 } },
      { measure: `run end to end p95 (ms), ${E2E_RATE} runs/s`, flowMate: f.p95, bare: b.p95, target: { ratioAtMost: 1.3 } },
      { measure: `run end to end p99 (ms), ${E2E_RATE} runs/s`, flowMate: f.p99, bare: b.p99 },
    );
    expect(fm.failures).toEqual([]);
    expect(bare.failures).toEqual([]);
  });

  it(`sustained runs/s with ${THROUGHPUT_CONCURRENCY} runs in flight`, async () => {
    const { bare, flowMate: fm } = await measureRuns('throughput', (run) => closedLoop(run, { concurrency: THROUGHPUT_CONCURRENCY, durationMs: PHASE_MS }));
    report.rows.push(
      { measure: 'sustained runs/s', flowMate: runsPerSecond(fm), bare: runsPerSecond(bare), target: { ratioAtLeast: 0.85 } },
      { measure: 'run end to end p50 (ms) at that rate', flowMate: summarize(fm.latenciesMs).p50, bare: summarize(bare.latenciesMs).p50 },
    );
    expect(fm.failures).toEqual([]);
  });

  it(`${BURST_RUNS} runs started within 10 s all complete`, async () => {
    const burst = await withUsage('burst', () => openRate(flowMateRun(apiUrl, bearer, agentId), { perSecond: BURST_RUNS / 10, durationMs: 10_000 }));
    const succeeded = burst.latenciesMs.length;
    report.rows.push({ measure: `${BURST_RUNS} runs started in 10 s: succeeded (0 errors, 0 lost)`, flowMate: succeeded, target: { atLeast: BURST_RUNS } });
    report.rows.push({ measure: `  …the last of them ended after (s)`, flowMate: burst.elapsedMs / 1000 });
    expect(burst.failures).toEqual([]);
    expect(succeeded).toBe(BURST_RUNS);
  });

  const agentRequest = (baseUrl: string): EndpointRequest => ({ url: `${baseUrl}/agents/${agentId}`, method: 'GET', token: bearer.slice(7), expectStatus: 200 });

  async function compareEndpoint(label: string, shape: LoadShape): Promise<{ flowMate: EndpointResult; bare: EndpointResult }> {
    const bare = await withUsage(`${label}, bare HTTP`, () => loadEndpoint(agentRequest(bareHttp.url), shape));
    const fm = await withUsage(`${label}, FlowMate`, () => loadEndpoint(agentRequest(apiUrl), shape));
    return { flowMate: fm, bare };
  }

  it('GET /agents/:id: the most requests a second', async () => {
    const { flowMate: fm, bare } = await compareEndpoint('GET /agents/:id at most', { mode: 'vus', vus: 32, duration: ENDPOINT_DURATION });
    report.rows.push({ measure: 'GET /agents/:id req/s, 32 connections', flowMate: fm.requestsPerSecond, bare: bare.requestsPerSecond, target: { ratioAtLeast: 0.8 } });
    expect(fm.failedShare).toBe(0);
    expect(bare.failedShare).toBe(0);
  });

  it('GET /agents/:id at 200 rps', async () => {
    const { flowMate: fm, bare } = await compareEndpoint('GET /agents/:id at 200 rps', { mode: 'rate', perSecond: 200, duration: ENDPOINT_DURATION });
    report.rows.push(
      { measure: 'GET /agents/:id p50 (ms), 200 rps', flowMate: fm.p50, bare: bare.p50 },
      { measure: 'GET /agents/:id p99 (ms), 200 rps', flowMate: fm.p99, bare: bare.p99, target: { below: 25 } },
    );
    expect(fm.failedShare).toBe(0);
  });

  it('POST /agents/:id/run at 50 rps', async () => {
    const started = await withUsage('POST /agents/:id/run at 50 rps', () =>
      loadEndpoint({ url: `${apiUrl}/agents/${agentId}/run`, method: 'POST', body: '{"input":{"n":1}}', token: bearer.slice(7), expectStatus: 202 }, { mode: 'rate', perSecond: 50, duration: ENDPOINT_DURATION }),
    );
    report.rows.push({ measure: 'POST /agents/:id/run p99 (ms), 50 rps', flowMate: started.p99, target: { below: 50 } });
    expect(started.failedShare).toBe(0);
    await untilNoActiveRuns(database.url);
  });

  it(`list endpoints with ${STORED_RUNS} runs stored`, async () => {
    await seedRuns(database.url, agentId, STORED_RUNS);
    for (const route of ['/runs', '/runs?agentId=:id', '/runs?status=failed', '/agents']) {
      const path = route.replace(':id', agentId);
      const listed = await withUsage(`GET ${route} at 50 rps`, () =>
        loadEndpoint({ url: `${apiUrl}${path}`, method: 'GET', token: bearer.slice(7), expectStatus: 200 }, { mode: 'rate', perSecond: 50, duration: ENDPOINT_DURATION }),
      );
      report.rows.push({ measure: `GET ${route} p99 (ms), 50 rps`, flowMate: listed.p99, target: { below: 50 } });
      expect(listed.failedShare).toBe(0);
    }
  });
});

async function signInUnlimited(apiUrl: string, databaseUrl: string, email: string): Promise<string> {
  const post = async (path: string, body: object): Promise<Response> => {
    const response = await fetch(`${apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    return response;
  };
  const { magicLinkToken } = (await (await post('/auth', { email })).json()) as { magicLinkToken: string };
  const { accessToken } = (await (await post('/auth/verify', { token: magicLinkToken })).json()) as { accessToken: string };
  await makeUnlimited(databaseUrl, email);
  return accessToken;
}

async function createAgent(apiUrl: string, bearer: string): Promise<string> {
  const response = await fetch(`${apiUrl}/agents`, { method: 'POST', headers: { authorization: bearer, 'content-type': 'application/json' }, body: JSON.stringify(BENCHMARK_AGENT) });
  if (response.status !== 201) throw new Error(`creating the bench agent answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

async function untilNoActiveRuns(databaseUrl: string): Promise<void> {
  const active = await pollUntil(
    () => withDatabase(databaseUrl, async (db) => Number((await db.query(`SELECT count(*) FROM agent_runs WHERE finished_at IS NULL`)).rows[0].count)),
    (count) => count === 0,
    5 * 60_000,
  );
  if (active) throw new Error(`${active} runs still active`);
}

/** SIGTERM, so a worker drains what it holds before its task queue is left behind. */
async function stopGracefully(running: { process: ChildProcess; exited: Promise<unknown> } | undefined): Promise<void> {
  if (!running) return;
  running.process.kill('SIGTERM');
  await running.exited;
}

function gitCommit(): string {
  return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
}
