/** p95/p99 budgets (ms) of one endpoint on a healthy API at the load rate; writes also wait on Postgres commits and Temporal. */
const LATENCY_BUDGETS = {
  read: { p95: 200, p99: 500 },
  write: { p95: 500, p99: 1000 },
};

/**
 * For each route: its `http_req_duration` within the read or write budget times `slack` (stress and spike
 * allow more), and at least one request, so a route the test stopped reaching fails it. A threshold on a
 * route's submetric is also what puts the route's numbers in the summary.
 */
export function routeThresholds(routes, { slack = 1 } = {}) {
  const thresholds = {};
  for (const route of routes) {
    const { p95, p99 } = LATENCY_BUDGETS[route.startsWith('GET ') ? 'read' : 'write'];
    thresholds[`http_req_duration{name:${route}}`] = [`p(95)<${p95 * slack}`, `p(99)<${p99 * slack}`];
    thresholds[`http_reqs{name:${route}}`] = ['count>0'];
  }
  return thresholds;
}
