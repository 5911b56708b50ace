import exec from 'k6/execution';
import { ROUTES } from './lib/api.js';
import { createBenchmarkAgent } from './lib/benchmark-agent.js';
import { durationFromEnv, numberFromEnv } from './lib/config.js';
import { measureRun, RUN_TIMEOUT_SECONDS } from './lib/runs.js';
import { constantArrivalRate } from './lib/scenarios.js';
import { bearerToken } from './lib/session.js';
import { SUMMARY_TREND_STATS } from './lib/summary.js';
import { routeThresholds } from './lib/thresholds.js';

export { handleSummary } from './lib/summary.js';

const RATE = numberFromEnv('RATE', 2);

/** RATE runs of the benchmark agent started a second, each followed to its end: how long a whole run takes (`run_e2e`). */
export const options = {
  scenarios: {
    // A run under way is followed to its end or timeout, so every started run counts.
    runs: { ...constantArrivalRate({ rate: RATE, duration: durationFromEnv('1m'), iterationSeconds: RUN_TIMEOUT_SECONDS }), gracefulStop: `${RUN_TIMEOUT_SECONDS}s` },
  },
  thresholds: {
    run_e2e: ['p(95)<3000', 'p(99)<5000'],
    run_failed: ['rate==0'],
    http_req_failed: ['rate==0'],
    ...routeThresholds([ROUTES.startRun, ROUTES.getRun]),
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup() {
  const token = bearerToken();
  return { token, agentId: createBenchmarkAgent(token) };
}

export default function ({ token, agentId }) {
  measureRun(token, agentId, { n: exec.scenario.iterationInTest });
}
