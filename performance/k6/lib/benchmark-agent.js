import { fail } from 'k6';
import { ROUTES, send } from './api.js';

const render = (id, template, data = {}) => ({ id, tool: 'text.render', args: { template, data } });

/**
 * Three micro agents that reach nothing outside the worker, so a run measures FlowMate and Temporal alone:
 * `a` and `b` at once, then `c` with both outputs; two `text.render` steps each.
 */
export const BENCHMARK_AGENT = {
  name: 'k6 benchmark',
  description: 'Load tests: three micro agents of text.render steps',
  concurrency: { policy: 'allow' },
  microAgents: [
    { key: 'a', tools: ['text.render'], steps: [render('first', 'a {{input.n}}'), render('second', '{{text}}!', '{{steps.first.output}}')] },
    { key: 'b', tools: ['text.render'], steps: [render('first', 'b {{input.n}}'), render('second', '{{text}}!', '{{steps.first.output}}')] },
    {
      key: 'c',
      dependsOn: ['a', 'b'],
      tools: ['text.render'],
      steps: [
        render('join', '{{a}} and {{b}}', { a: '{{agents.a.output.text}}', b: '{{agents.b.output.text}}' }),
        render('second', '{{text}}!', '{{steps.join.output}}'),
      ],
    },
  ],
};

/** For `setup()`: the agent's id, or the test stops saying why. */
export function createBenchmarkAgent(token) {
  const created = send(ROUTES.createAgent, { token, body: BENCHMARK_AGENT });
  if (created.status !== 201) fail(`POST /agents answered ${created.status}: ${created.body}`);
  return created.json('id');
}
