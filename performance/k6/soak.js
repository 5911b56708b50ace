import { durationFromEnv, numberFromEnv } from './lib/config.js';
import { constantArrivalRate } from './lib/scenarios.js';
import { SUMMARY_TREND_STATS } from './lib/summary.js';
import { routeThresholds } from './lib/thresholds.js';
import { MIXED_ROUTES, prepareMixedTraffic, sendMixedRequest } from './lib/traffic-mix.js';

export { handleSummary } from './lib/summary.js';

/** Half the rate breakpoint.js found is a fair RATE: the question is what wears out over time, not what breaks. */
const RATE = numberFromEnv('RATE', 25);

/** The request mix at a steady RATE for long enough that leaks, growing tables and slow drifts show. */
export const options = {
  scenarios: { mix: constantArrivalRate({ rate: RATE, duration: durationFromEnv('30m') }) },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    ...routeThresholds(MIXED_ROUTES),
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export const setup = prepareMixedTraffic;
export default sendMixedRequest;
