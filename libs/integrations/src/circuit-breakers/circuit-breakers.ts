import type { BreakerState, CircuitBreakerReport } from '@flowmate/contracts';
import { BrokenCircuitError, CircuitState, circuitBreaker, handleWhen, type CircuitBreakerPolicy, type IBreaker } from 'cockatiel';
import { classifyError } from '../errors/classify-error';
import { CircuitOpenError } from './circuit-open-error';

export interface CircuitBreakerSettings {
  /** Consecutive retryable failures that open the breaker… */
  failureThreshold: number;
  /** …when they fall within this window… */
  windowMs: number;
  /** …for this long; then one call probes, and closes it on success. */
  coolDownMs: number;
}

/** Opens after `threshold` failures in a row, the first of them at most `windowMs` ago; any success starts over. */
export class ConsecutiveWithinWindowBreaker implements IBreaker {
  state = { failures: 0, firstFailureAt: 0 };

  constructor(
    private readonly threshold: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  success(): void {
    this.state = { failures: 0, firstFailureAt: 0 };
  }

  failure(): boolean {
    const now = this.now();
    const { failures, firstFailureAt } = this.state;
    this.state = failures > 0 && now - firstFailureAt <= this.windowMs ? { failures: failures + 1, firstFailureAt } : { failures: 1, firstFailureAt: now };
    return this.state.failures >= this.threshold;
  }
}

/** An error that must not count against the target: the caller cancelled, or the request itself was wrong. */
class NotTheTargetsFault extends Error {
  constructor(readonly original: unknown) {
    super('not counted');
  }
}

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

/** One target's breaker (a model provider, an integration's API host), built on cockatiel's policy. */
export class TargetBreaker {
  private readonly policy: CircuitBreakerPolicy;
  private readonly failures: ConsecutiveWithinWindowBreaker;
  private openedAt = 0;
  private lastError: CircuitBreakerReport['lastError'] = null;

  constructor(
    readonly target: string,
    private readonly settings: CircuitBreakerSettings,
    onChange: (report: CircuitBreakerReport) => void,
  ) {
    this.failures = new ConsecutiveWithinWindowBreaker(settings.failureThreshold, settings.windowMs);
    this.policy = circuitBreaker(handleWhen((error) => !(error instanceof NotTheTargetsFault)), { halfOpenAfter: settings.coolDownMs, breaker: this.failures });
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
    });
    this.policy.onStateChange(() => onChange(this.report()));
  }

  /**
   * Runs `call` unless the breaker is open. Retryable failures (5xx, timeouts, refused connections, 429)
   * count against the target; a cancelled call or a request the target refused (400, 401) does not.
   */
  async execute<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await this.policy.execute(async () => {
        try {
          return await call();
        } catch (error) {
          const failure = classifyError(error);
          if (signal?.aborted) throw new NotTheTargetsFault(error);
          if (failure.nonRetryable) {
            // The target answered (it refused this request): that ends a run of failures like a success does.
            this.failures.success();
            throw new NotTheTargetsFault(error);
          }
          this.lastError = { type: failure.type ?? 'Error', message: failure.message };
          throw error;
        }
      }, signal);
    } catch (error) {
      if (error instanceof NotTheTargetsFault) throw error.original;
      if (error instanceof BrokenCircuitError) throw new CircuitOpenError(this.target, Math.max(1, this.reopensAt() - Date.now()));
      throw error;
    }
  }

  report(): CircuitBreakerReport {
    const state = STATE_NAMES[this.policy.state];
    return {
      target: this.target,
      state,
      openedAt: state === 'closed' ? null : new Date(this.openedAt).toISOString(),
      reopensAt: state === 'open' ? new Date(this.reopensAt()).toISOString() : null,
      lastError: this.lastError,
    };
  }

  private reopensAt(): number {
    return this.openedAt + this.settings.coolDownMs;
  }
}

/**
 * The breakers of one worker process, one per target, made on first use. State is per process on purpose:
 * a call never waits on a shared store, and W workers still bound a failing target to W × threshold calls
 * per cool-down; `onChange` reports transitions so the API can show them.
 */
export class CircuitBreakers {
  private readonly breakers = new Map<string, TargetBreaker>();

  constructor(
    private readonly settings: CircuitBreakerSettings,
    private readonly onChange: (report: CircuitBreakerReport) => void = () => undefined,
  ) {}

  for(target: string): TargetBreaker {
    let breaker = this.breakers.get(target);
    if (!breaker) {
      breaker = new TargetBreaker(target, this.settings, this.onChange);
      this.breakers.set(target, breaker);
    }
    return breaker;
  }
}
