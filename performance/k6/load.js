import { durationFromEnv, numberFromEnv } from './lib/config.js';
import { prepareMixedTraffic, sendMixedRequest, steadyMixOptions } from './lib/traffic-mix.js';

export { handleSummary } from './lib/summary.js';

/** The expected day: the request mix at RATE requests a second, however slowly the API answers. */
export const options = steadyMixOptions({ rate: numberFromEnv('RATE', 50), duration: durationFromEnv('5m') });

export const setup = prepareMixedTraffic;
export default sendMixedRequest;
