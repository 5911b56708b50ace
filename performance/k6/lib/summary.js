/** The trend statistics k6 keeps for the summary: p50 is `med`. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'];

const ROUTE_DURATION = /^http_req_duration\{name:(.+)\}$/;
const BUILT_IN_GAUGES = ['vus', 'vus_max'];

/**
 * k6 prints its own text summary only when a script exports no `handleSummary`, and gives scripts no function
 * that makes it; so this prints a compact one, and writes k6's summary data as JSON to SUMMARY_PATH if set.
 */
export function handleSummary(data) {
  const outputs = { stdout: compactSummary(data) };
  // setup_data holds the bearer token, which has no place in a results file.
  if (__ENV.SUMMARY_PATH) outputs[__ENV.SUMMARY_PATH] = JSON.stringify({ ...data, setup_data: undefined }, null, 2);
  return outputs;
}

function compactSummary({ metrics, state }) {
  const timings = Object.entries(metrics)
    .map(([name, { values }]) => [name.match(ROUTE_DURATION)?.[1], values])
    .filter(([route]) => route)
    .sort(([a], [b]) => a.localeCompare(b));
  if (metrics.run_e2e) timings.push(['run_e2e', metrics.run_e2e.values]);
  const gauges = Object.entries(metrics).filter(([name, { type }]) => type === 'gauge' && !BUILT_IN_GAUGES.includes(name));
  const thresholds = Object.entries(metrics).flatMap(([name, metric]) =>
    Object.entries(metric.thresholds ?? {}).map(([threshold, { ok }]) => ({ ok, text: `${name} ${threshold}` })),
  );
  const failed = thresholds.filter(({ ok }) => !ok).sort((a, b) => a.text.localeCompare(b.text));
  return [
    '',
    totals(metrics, state.testRunDurationMs),
    '',
    row('endpoint', 'requests', 'p50 ms', 'p95 ms', 'p99 ms'),
    ...timings.map(([label, values]) => row(label, values.count, ms(values.med), ms(values['p(95)']), ms(values['p(99)']))),
    ...gauges.map(([name, { values }]) => `${name}: ${values.value}`),
    '',
    `thresholds: ${thresholds.length - failed.length} of ${thresholds.length} passed`,
    ...failed.map(({ text }) => `FAILED ${text}`),
    '',
    '',
  ].join('\n');
}

function totals(metrics, durationMs) {
  const requests = metrics.http_reqs?.values ?? { count: 0, rate: 0 };
  const parts = [`${(durationMs / 1000).toFixed(1)} s`, `${requests.count} requests (${requests.rate.toFixed(1)}/s)`];
  if (metrics.http_req_failed) parts.push(`${percent(metrics.http_req_failed.values.rate)} failed`);
  if (metrics.checks) parts.push(`checks ${percent(metrics.checks.values.rate)} passed`);
  if (metrics.dropped_iterations) parts.push(`${metrics.dropped_iterations.values.count} arrivals dropped`);
  return parts.join(', ');
}

const row = (label, ...columns) => `${label.padEnd(24)}${columns.map((column) => String(column).padStart(10)).join('')}`;
const ms = (value) => value.toFixed(1);
const percent = (rate) => `${(rate * 100).toFixed(2)}%`;
