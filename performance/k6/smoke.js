import exec from 'k6/execution';
import { check, sleep } from 'k6';
import { ROUTES, send } from './lib/api.js';
import { BENCHMARK_AGENT } from './lib/benchmark-agent.js';
import { durationFromEnv } from './lib/config.js';
import { measureRun, RUN_TIMEOUT_SECONDS } from './lib/runs.js';
import { bearerToken } from './lib/session.js';
import { SUMMARY_TREND_STATS } from './lib/summary.js';
import { routeThresholds } from './lib/thresholds.js';

export { handleSummary } from './lib/summary.js';

/** One user's whole journey, over and over: does every endpoint answer, and does a run get to `succeeded`? */
export const options = {
  // A run under way is followed to its end or timeout, so every started run counts.
  scenarios: { journey: { executor: 'constant-vus', vus: 1, duration: durationFromEnv('15s'), gracefulStop: `${RUN_TIMEOUT_SECONDS}s` } },
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    run_failed: ['rate==0'],
    // One VU's p99 is its slowest request: the budgets catch an endpoint gone slow, not one busy moment.
    ...routeThresholds([ROUTES.live, ROUTES.ready, ROUTES.createAgent, ROUTES.listAgents, ROUTES.getAgent, ROUTES.startRun, ROUTES.getRun, ROUTES.listRuns], { slack: 5 }),
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export const setup = () => ({ token: bearerToken() });

export default function ({ token }) {
  journey(token);
  sleep(1);
}

function journey(token) {
  check(send(ROUTES.live), { live: (response) => response.status === 200 });
  check(send(ROUTES.ready), { ready: (response) => response.status === 200 });
  const created = send(ROUTES.createAgent, { token, body: BENCHMARK_AGENT });
  if (!check(created, { 'agent created': (response) => response.status === 201 })) return;
  const agentId = created.json('id');
  check(send(ROUTES.listAgents, { token }), { 'agents listed': (response) => response.status === 200 });
  check(send(ROUTES.getAgent, { token, params: { id: agentId } }), { 'agent read': (response) => response.json('id') === agentId });
  check(measureRun(token, agentId, { n: exec.scenario.iterationInTest }), { 'run succeeded': (status) => status === 'succeeded' });
  check(send(ROUTES.listRuns, { token, query: { agentId } }), { 'runs listed': (response) => response.json('items.#') === 1 });
}
