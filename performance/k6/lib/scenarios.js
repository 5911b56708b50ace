/**
 * The VUs an arrival-rate scenario may hold: enough for `peakRate` arrivals a second that each take up to
 * `iterationSeconds`, a tenth of them made up front; past that k6 drops arrivals (`dropped_iterations`)
 * instead of queueing them.
 */
function vusFor(peakRate, iterationSeconds) {
  const maxVUs = Math.ceil(peakRate * iterationSeconds);
  return { preAllocatedVUs: Math.ceil(maxVUs / 10), maxVUs };
}

/** An open model: `rate` arrivals a second for `duration`, however slowly the API answers. */
export function constantArrivalRate({ rate, duration, iterationSeconds = 2 }) {
  return { executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration, ...vusFor(rate, iterationSeconds) };
}

/** An open model whose arrivals a second move linearly to each stage's `target`. */
export function rampingArrivalRate({ startRate, stages, iterationSeconds = 2 }) {
  const peakRate = Math.max(startRate, ...stages.map(({ target }) => target));
  return { executor: 'ramping-arrival-rate', startRate, timeUnit: '1s', stages, ...vusFor(peakRate, iterationSeconds) };
}
