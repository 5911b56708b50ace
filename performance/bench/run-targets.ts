import type { Client } from '@temporalio/client';
import { createParser } from 'eventsource-parser';
import { randomUUID } from 'node:crypto';
import type { RunOnce } from './run-drivers';
import type { bareParentWorkflow } from './bare-temporal/workflows';

/**
 * A FlowMate run as a client sees it: `POST /agents/:id/run`, then the run's event stream until
 * `run.finished`. The stream is pushed (Postgres LISTEN/NOTIFY), so no polling interval pads the time.
 */
export function flowMateRun(apiUrl: string, bearer: string, agentId: string): RunOnce {
  const headers = { authorization: bearer, 'content-type': 'application/json' };
  return async () => {
    const started = await fetch(`${apiUrl}/agents/${agentId}/run`, { method: 'POST', headers, body: JSON.stringify({ input: { n: 1 } }) });
    if (started.status !== 202) throw new Error(`POST /agents/:id/run answered ${started.status}: ${await started.text()}`);
    const { runId } = (await started.json()) as { runId: string };
    const status = await finishedStatus(`${apiUrl}/runs/${runId}/events`, bearer);
    if (status !== 'succeeded') throw new Error(`run ${runId} ended ${status}`);
  };
}

/** The `status` of a run's `run.finished` event. */
async function finishedStatus(eventsUrl: string, bearer: string): Promise<string | undefined> {
  const response = await fetch(eventsUrl, { headers: { authorization: bearer, accept: 'text/event-stream' } });
  if (response.status !== 200 || !response.body) throw new Error(`GET /runs/:id/events answered ${response.status}`);
  let status: string | undefined;
  const parser = createParser({
    onEvent: (event) => {
      if (event.event === 'run.finished') status = (JSON.parse(event.data) as { status: string }).status;
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (status) break;
  }
  return status;
}

/** The same topology straight on Temporal: start the parent, wait for its result. */
export function bareTemporalRun(client: Client, taskQueue: string): RunOnce {
  return async () => {
    const runId = randomUUID();
    const handle = await client.workflow.start<typeof bareParentWorkflow>('bareParentWorkflow', { taskQueue, workflowId: `bare-${runId}`, args: [runId] });
    await handle.result();
  };
}
