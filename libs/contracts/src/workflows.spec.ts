import { RUN_HISTORY_ACTIVITY_OPTIONS } from './workflows';

describe('RUN_HISTORY_ACTIVITY_OPTIONS', () => {
  it('retries idempotent history writes with no attempt cap, bounded by a schedule-to-close of a day', () => {
    expect(RUN_HISTORY_ACTIVITY_OPTIONS.retry).not.toHaveProperty('maximumAttempts');
    expect(RUN_HISTORY_ACTIVITY_OPTIONS.scheduleToCloseTimeout).toBe('1 day');
  });
});
