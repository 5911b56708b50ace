import exec from 'k6/execution';
import { Gauge } from 'k6/metrics';
import { durationFromEnv, numberFromEnv } from './lib/config.js';
import { rampingArrivalRate } from './lib/scenarios.js';
import { SUMMARY_TREND_STATS } from './lib/summary.js';
import { routeThresholds } from './lib/thresholds.js';
import { MIXED_ROUTES, prepareMixedTraffic, sendMixedRequest } from './lib/traffic-mix.js';

export { handleSummary } from './lib/summary.js';

const START_RATE = numberFromEnv('START_RATE', 10);
const MAX_RATE = numberFromEnv('MAX_RATE', 2000);

/** The arrivals a second the ramp asked for at the latest request: at the abort, just past the API's maximum. */
const offeredRate = new Gauge('offered_rate');

/** One request a second more, and more, until the API misses its budget: the test then stops, so the last rate is the breaking point. */
export const options = {
  scenarios: {
    mix: rampingArrivalRate({ startRate: START_RATE, stages: [{ target: MAX_RATE, duration: durationFromEnv('20m') }], iterationSeconds: 1 }),
  },
  thresholds: {
    // Thresholds see every request since the start, so a breach shows a little after the rate that caused it.
    http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: true, delayAbortEval: '30s' }],
    http_req_duration: [{ threshold: 'p(95)<500', abortOnFail: true, delayAbortEval: '30s' }],
    ...routeThresholds(MIXED_ROUTES, { slack: 4 }),
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export const setup = prepareMixedTraffic;

export default function (data) {
  offeredRate.add(START_RATE + (MAX_RATE - START_RATE) * exec.scenario.progress);
  sendMixedRequest(data);
}
