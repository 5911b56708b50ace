import { fail } from 'k6';
import { ROUTES, send } from './api.js';

/**
 * Three micro agents that reach nothing outside the worker, so a run measures FlowMate and Temporal alone:
 * `a` and `b` at once, then `c` with both outputs; two `text.render` steps each. `npm run bench` runs the same.
 */
export const BENCHMARK_AGENT = JSON.parse(open('../../benchmark-agent.json'));

/** For `setup()`: the agent's id, or the test stops saying why. */
export function createBenchmarkAgent(token) {
  const created = send(ROUTES.createAgent, { token, body: BENCHMARK_AGENT });
  if (created.status !== 201) fail(`POST /agents answered ${created.status}: ${created.body}`);
  return created.json('id');
}
