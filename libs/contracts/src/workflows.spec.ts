import { microAgentWorkflowId, RUN_HISTORY_ACTIVITY_OPTIONS, runOfWorkflowId, runWorkflowId } from './workflows';

describe('RUN_HISTORY_ACTIVITY_OPTIONS', () => {
  it('retries idempotent history writes with no attempt cap, bounded by a schedule-to-close of a day', () => {
    expect(RUN_HISTORY_ACTIVITY_OPTIONS.retry).not.toHaveProperty('maximumAttempts');
    expect(RUN_HISTORY_ACTIVITY_OPTIONS.scheduleToCloseTimeout).toBe('1 day');
  });
});

describe(runOfWorkflowId.name, () => {
  const runId = '5b0f3c1e-9d2a-4c7b-8e1f-2a3b4c5d6e7f';

  it('reads the run back from a main agent’s and a micro agent’s workflow id', () => {
    expect(runOfWorkflowId(runWorkflowId(runId))).toEqual({ flowmateRunId: runId });
    expect(runOfWorkflowId(microAgentWorkflowId(runId, 'fetch/users'))).toEqual({ flowmateRunId: runId, microAgentKey: 'fetch/users' });
  });

  it('names no run for the workflows that are not one', () => {
    expect(runOfWorkflowId(`agent-${runId}-2026-12-06T09:00:00Z`)).toBeUndefined();
    expect(runOfWorkflowId('flowmate-maintenance-flowmate')).toBeUndefined();
    expect(runOfWorkflowId('run-not-a-uuid')).toBeUndefined();
  });
});
