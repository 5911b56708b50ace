import { sleep } from 'k6';
import { Rate, Trend } from 'k6/metrics';
import { ROUTES, send } from './api.js';
import { numberFromEnv } from './config.js';

const POLL_INTERVAL_SECONDS = numberFromEnv('POLL_INTERVAL_MS', 100) / 1000;
export const RUN_TIMEOUT_SECONDS = numberFromEnv('RUN_TIMEOUT_SECONDS', 60);
const RUN_TIMEOUT_MS = RUN_TIMEOUT_SECONDS * 1000;
const TERMINAL_STATUSES = ['succeeded', 'failed', 'cancelled', 'timed_out'];

/** From before the start request to the answer that showed the run ended. */
const runE2e = new Trend('run_e2e', true);
/** Runs that were refused, ended otherwise than `succeeded`, or had not ended within RUN_TIMEOUT_SECONDS. */
const runFailed = new Rate('run_failed');

export const startRun = (token, agentId, input) => send(ROUTES.startRun, { token, params: { id: agentId }, body: { input } });

/** Polls the run every POLL_INTERVAL_MS; its terminal status, or `unfinished` at RUN_TIMEOUT_SECONDS. */
export function awaitRunEnd(token, runId, deadline = Date.now() + RUN_TIMEOUT_MS) {
  while (Date.now() < deadline) {
    sleep(POLL_INTERVAL_SECONDS);
    const polled = send(ROUTES.getRun, { token, params: { id: runId } });
    const status = polled.status === 200 ? polled.json('status') : undefined;
    if (TERMINAL_STATUSES.includes(status)) return status;
  }
  return 'unfinished';
}

/** Starts a run, follows it to its end and records `run_e2e` and `run_failed`; returns how it ended. */
export function measureRun(token, agentId, input) {
  const startedAt = Date.now();
  const started = startRun(token, agentId, input);
  if (started.status !== 202) {
    runFailed.add(true);
    return `refused with ${started.status}`;
  }
  const status = awaitRunEnd(token, started.json('runId'), startedAt + RUN_TIMEOUT_MS);
  if (status !== 'unfinished') runE2e.add(Date.now() - startedAt);
  runFailed.add(status !== 'succeeded');
  return status;
}
