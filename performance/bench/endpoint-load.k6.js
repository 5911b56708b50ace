// One endpoint under load, for the benchmark harness: either a fixed arrival rate (latency at that rate)
// or a fixed number of looping VUs (the rate it sustains). Env: URL, METHOD, BODY, TOKEN, EXPECT (status),
// MODE (rate|vus), RATE, VUS, DURATION, SUMMARY_PATH.
import http from 'k6/http';
import { check } from 'k6';

const scenario =
  __ENV.MODE === 'rate'
    ? { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE), timeUnit: '1s', duration: __ENV.DURATION, preAllocatedVUs: 50, maxVUs: 400 }
    : { executor: 'constant-vus', vus: Number(__ENV.VUS), duration: __ENV.DURATION };

export const options = {
  scenarios: { endpoint: scenario },
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max'],
  discardResponseBodies: true,
};

const params = { headers: { Authorization: `Bearer ${__ENV.TOKEN}`, 'Content-Type': 'application/json' } };

export default function () {
  const response = http.request(__ENV.METHOD, __ENV.URL, __ENV.BODY || null, params);
  check(response, { 'expected status': (r) => r.status === Number(__ENV.EXPECT) });
}

export function handleSummary(data) {
  return { [__ENV.SUMMARY_PATH]: JSON.stringify(data) };
}
