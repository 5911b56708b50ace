import { durationFromEnv, numberFromEnv } from './lib/config.js';
import { constantArrivalRate } from './lib/scenarios.js';
import { mixOptions, prepareMixedTraffic, sendMixedRequest } from './lib/traffic-mix.js';

export { handleSummary } from './lib/summary.js';

/**
 * The request mix at a steady RATE for long enough that leaks, growing tables and slow drifts show. Half
 * the rate breakpoint.js found is a fair RATE: the question is what wears out over time, not what breaks.
 */
export const options = mixOptions(constantArrivalRate({ rate: numberFromEnv('RATE', 25), duration: durationFromEnv('30m') }));

export const setup = prepareMixedTraffic;
export default sendMixedRequest;
