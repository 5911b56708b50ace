/** A call refused at once because its target's breaker is open; Temporal retries it once the cool-down is over. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';

  constructor(
    readonly target: string,
    readonly retryAfterMs: number,
  ) {
    super(`${target} is failing: its circuit breaker is open for another ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}
