import { durationFromEnv, numberFromEnv } from './lib/config.js';
import { constantArrivalRate } from './lib/scenarios.js';
import { mixOptions, prepareMixedTraffic, sendMixedRequest } from './lib/traffic-mix.js';

export { handleSummary } from './lib/summary.js';

/** The expected day: the request mix at RATE requests a second, however slowly the API answers. */
export const options = mixOptions(constantArrivalRate({ rate: numberFromEnv('RATE', 50), duration: durationFromEnv('5m') }));

export const setup = prepareMixedTraffic;
export default sendMixedRequest;
