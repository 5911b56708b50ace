import { numberFromEnv } from './lib/config.js';
import { rampingArrivalRate } from './lib/scenarios.js';
import { mixOptions, prepareMixedTraffic, sendMixedRequest } from './lib/traffic-mix.js';

export { handleSummary } from './lib/summary.js';

const RATE = numberFromEnv('RATE', 50);
const STEP = __ENV.STEP_DURATION || '2m';

/** The request mix held at 1, 2, 3 and 4 times RATE in turn, then let down: does the API bend without breaking? */
export const options = mixOptions(
  rampingArrivalRate({
    startRate: 0,
    stages: [
      ...[1, 2, 3, 4].flatMap((times) => [
        { target: RATE * times, duration: '30s' },
        { target: RATE * times, duration: STEP },
      ]),
      { target: 0, duration: '1m' },
    ],
  }),
  { slack: 4 },
);

export const setup = prepareMixedTraffic;
export default sendMixedRequest;
