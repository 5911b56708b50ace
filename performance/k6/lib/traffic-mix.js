import exec from 'k6/execution';
import { fail } from 'k6';
import { ROUTES, send } from './api.js';
import { createBenchmarkAgent } from './benchmark-agent.js';
import { awaitRunEnd, startRun } from './runs.js';
import { bearerToken } from './session.js';
import { SUMMARY_TREND_STATS } from './summary.js';
import { routeThresholds } from './thresholds.js';

/** What one arrival asks, by share of arrivals: mostly one agent read, some lists and run reads, a few run starts. */
const MIX = [
  { share: 0.7, route: ROUTES.getAgent, request: ({ agentId }) => ({ params: { id: agentId } }) },
  { share: 0.1, route: ROUTES.listAgents, request: () => ({}) },
  { share: 0.1, route: ROUTES.listRuns, request: ({ agentId }) => ({ query: { agentId } }) },
  { share: 0.05, route: ROUTES.getRun, request: ({ runId }) => ({ params: { id: runId } }) },
  { share: 0.05, route: ROUTES.startRun, request: ({ agentId }) => ({ params: { id: agentId }, body: { input: { n: exec.scenario.iterationInTest } } }) },
];

export const MIXED_ROUTES = MIX.map(({ route }) => route);

/** `setup()` of the mixed-traffic scripts: the token, the benchmark agent and one finished run to read. */
export function prepareMixedTraffic() {
  const token = bearerToken();
  const agentId = createBenchmarkAgent(token);
  const started = startRun(token, agentId, { n: 0 });
  if (started.status !== 202) fail(`POST /agents/:id/run answered ${started.status}: ${started.body}`);
  const runId = started.json('runId');
  const status = awaitRunEnd(token, runId);
  if (status !== 'succeeded') fail(`the first benchmark run ended ${status}: is a worker polling the API's task queue?`);
  return { token, agentId, runId };
}

/** One arrival: one request, drawn from the mix. */
export function sendMixedRequest(data) {
  let draw = Math.random();
  const picked = MIX.find(({ share }) => (draw -= share) < 0) ?? MIX[MIX.length - 1];
  send(picked.route, { token: data.token, ...picked.request(data) });
}


/**
 * The options of a script that sends the mix as `scenario` arrives: `failed` bounds `http_req_failed`,
 * and every route is held to its latency budget times `slack`.
 */
export function mixOptions(scenario, { failed = 'rate<0.01', slack = 1 } = {}) {
  return {
    scenarios: { mix: scenario },
    thresholds: {
      http_req_failed: [failed],
      ...routeThresholds(MIXED_ROUTES, { slack }),
    },
    summaryTrendStats: SUMMARY_TREND_STATS,
  };
}
