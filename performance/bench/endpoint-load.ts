import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveK6 } from '../../scripts/dev-stack/k6-binary';

const SCRIPT = join(__dirname, 'endpoint-load.k6.js');

export interface EndpointRequest {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
  token: string;
  expectStatus: number;
}

export type LoadShape = { mode: 'rate'; perSecond: number; duration: string } | { mode: 'vus'; vus: number; duration: string };

export interface EndpointResult {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Requests answered with another status than expected, or not at all. */
  failedShare: number;
}

interface K6Summary {
  metrics: Record<string, { values: Record<string, number> }>;
}

/** Drives one endpoint with k6 and reads its summary. */
export async function loadEndpoint(request: EndpointRequest, shape: LoadShape): Promise<EndpointResult> {
  const k6 = await resolveK6((message) => process.stderr.write(`${message}\n`));
  const dir = await mkdtemp(join(tmpdir(), 'flowmate-bench-'));
  const summaryPath = join(dir, 'summary.json');
  try {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      URL: request.url,
      METHOD: request.method,
      BODY: request.body ?? '',
      TOKEN: request.token,
      EXPECT: String(request.expectStatus),
      MODE: shape.mode,
      RATE: shape.mode === 'rate' ? String(shape.perSecond) : '',
      VUS: shape.mode === 'vus' ? String(shape.vus) : '',
      DURATION: shape.duration,
      SUMMARY_PATH: summaryPath,
    };
    await promisify(execFile)(k6, ['run', '--quiet', '--no-usage-report', SCRIPT], { env, maxBuffer: 16 << 20 });
    const { metrics } = JSON.parse(await readFile(summaryPath, 'utf8')) as K6Summary;
    const duration = metrics.http_req_duration.values;
    return {
      requestsPerSecond: metrics.http_reqs.values.rate,
      p50: duration.med,
      p95: duration['p(95)'],
      p99: duration['p(99)'],
      failedShare: 1 - (metrics.checks?.values.rate ?? 0),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
