import { durationFromEnv, numberFromEnv } from './lib/config.js';
import { constantArrivalRate } from './lib/scenarios.js';
import { SUMMARY_TREND_STATS } from './lib/summary.js';
import { routeThresholds } from './lib/thresholds.js';
import { MIXED_ROUTES, prepareMixedTraffic, sendMixedRequest } from './lib/traffic-mix.js';

export { handleSummary } from './lib/summary.js';

const RATE = numberFromEnv('RATE', 50);

/** The expected day: the request mix at RATE requests a second, however slowly the API answers. */
export const options = {
  scenarios: { mix: constantArrivalRate({ rate: RATE, duration: durationFromEnv('5m') }) },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    ...routeThresholds(MIXED_ROUTES),
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export const setup = prepareMixedTraffic;
export default sendMixedRequest;
