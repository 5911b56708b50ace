import { numberFromEnv } from './lib/config.js';
import { rampingArrivalRate } from './lib/scenarios.js';
import { mixOptions, prepareMixedTraffic, sendMixedRequest } from './lib/traffic-mix.js';

export { handleSummary } from './lib/summary.js';

const RATE = numberFromEnv('RATE', 50);

/** The request mix at RATE, five times RATE for 10 s, then RATE for a minute more: no request may fail. */
export const options = mixOptions(
  rampingArrivalRate({
    startRate: RATE,
    stages: [
      { target: RATE, duration: '1m' },
      { target: RATE * 5, duration: '1s' },
      { target: RATE * 5, duration: '10s' },
      { target: RATE, duration: '1s' },
      { target: RATE, duration: '1m' },
    ],
  }),
  { failed: 'rate==0', slack: 4 },
);

export const setup = prepareMixedTraffic;
export default sendMixedRequest;
