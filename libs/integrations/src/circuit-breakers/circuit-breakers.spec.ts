import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES, type CircuitBreakerReport } from '@flowmate/contracts';
import { classifyError } from '../errors/classify-error';
import { HttpNetworkError, HttpStatusError } from '../http/guarded-http-client';
import { CircuitBreakers, ConsecutiveWithinWindowBreaker } from './circuit-breakers';
import { CircuitOpenError } from './circuit-open-error';

const hop = { method: 'GET' as const, url: new URL('https://api.example') };
const networkError = () => new HttpNetworkError(hop, 'ECONNRESET');
const status = (code: number) => new HttpStatusError(hop, { status: code, bodyPreview: '' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const settings = { failureThreshold: 3, windowMs: 60_000, coolDownMs: 200 };

function breakerOf(target = 'model:local') {
  const reports: CircuitBreakerReport[] = [];
  const breaker = new CircuitBreakers(settings, (report) => reports.push(report)).for(target);
  const fail = (error: Error = networkError(), signal?: AbortSignal) => breaker.execute(() => Promise.reject(error), signal);
  const open = async () => {
    for (let i = 0; i < settings.failureThreshold; i++) await fail().catch(() => undefined);
  };
  return { breaker, reports, fail, open };
}

describe(ConsecutiveWithinWindowBreaker.name, () => {
  let now = 0;
  const breaker = () => new ConsecutiveWithinWindowBreaker(3, 1_000, () => now);
  const failAt = (sut: ConsecutiveWithinWindowBreaker, times: number[]) =>
    times.map((time) => {
      now = time;
      return sut.failure();
    });

  it('opens on the third failure in a row within the window', () => {
    expect(failAt(breaker(), [0, 500, 1_000])).toEqual([false, false, true]);
  });

  it('starts over after a success', () => {
    const sut = breaker();
    failAt(sut, [0, 100]);
    sut.success();

    expect(failAt(sut, [200, 300, 400])).toEqual([false, false, true]);
  });

  it('restarts the count when the first failure is older than the window', () => {
    expect(failAt(breaker(), [0, 600, 1_200, 1_300, 1_400])).toEqual([false, false, false, false, true]);
  });
});

describe(CircuitBreakers.name, () => {
  it('keeps one breaker per target', () => {
    const breakers = new CircuitBreakers(settings);

    expect(breakers.for('model:a')).toBe(breakers.for('model:a'));
    expect(breakers.for('model:a')).not.toBe(breakers.for('model:b'));
    expect(breakers.for('model:b').target).toBe('model:b');
  });

  it('rethrows retryable failures as they are until the threshold, then refuses calls without making them', async () => {
    const { breaker, fail } = breakerOf();
    const errors = [networkError(), status(503), networkError()];
    for (const error of errors) await expect(fail(error)).rejects.toBe(error);
    const call = jest.fn(() => Promise.resolve('answer'));

    const refused = await breaker.execute(call).catch((error: unknown) => error);

    expect(call).not.toHaveBeenCalled();
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toMatchObject({ target: 'model:local' });
    expect((refused as CircuitOpenError).retryAfterMs).toBeGreaterThan(0);
    expect((refused as CircuitOpenError).retryAfterMs).toBeLessThanOrEqual(settings.coolDownMs);
  });

  it.each([
    { label: 'refused requests (401)', error: status(401), signal: undefined },
    { label: 'cancelled calls', error: networkError(), signal: AbortSignal.abort() },
  ])('never opens on $label and rethrows them as they are', async ({ error, signal }) => {
    const { breaker, fail } = breakerOf();
    for (let i = 0; i < settings.failureThreshold * 2; i++) await expect(fail(error, signal)).rejects.toBe(error);

    await expect(breaker.execute(() => Promise.resolve('answer'))).resolves.toBe('answer');
    expect(breaker.report().state).toBe('closed');
  });

  it('starts counting over when the target answers, even with a refusal', async () => {
    const { breaker, fail } = breakerOf();
    for (let i = 1; i < settings.failureThreshold; i++) await expect(fail(networkError())).rejects.toBeDefined();
    await expect(fail(status(401))).rejects.toBeDefined();
    await expect(fail(networkError())).rejects.toBeDefined();

    expect(breaker.report().state).toBe('closed');
  });

  it('lets one probe through after the cool-down and closes on its success', async () => {
    const { breaker, open } = breakerOf();
    await open();
    expect(breaker.report().state).toBe('open');
    await sleep(settings.coolDownMs + 50);

    await expect(breaker.execute(() => Promise.resolve('probe'))).resolves.toBe('probe');
    await expect(breaker.execute(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('opens again at once when the probe fails', async () => {
    const { breaker, fail, open } = breakerOf();
    await open();
    await sleep(settings.coolDownMs + 50);
    const error = status(503);

    await expect(fail(error)).rejects.toBe(error);
    await expect(breaker.execute(() => Promise.resolve('next'))).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('reports every transition with the last retryable failure', async () => {
    const { breaker, reports, fail } = breakerOf();
    await fail(networkError()).catch(() => undefined);
    await fail(networkError()).catch(() => undefined);
    await fail(status(503)).catch(() => undefined);
    await sleep(settings.coolDownMs + 50);
    await breaker.execute(() => Promise.resolve('probe'));

    const [opened, halfOpen, closed] = reports;
    const lastError = { type: FAILURE_TYPES.httpServerError, message: 'GET https://api.example answered 503 Service Unavailable' };
    expect(reports.map((report) => report.state)).toEqual(['open', 'half_open', 'closed']);
    expect(opened).toMatchObject({ target: 'model:local', lastError });
    expect(Date.parse(opened.reopensAt!) - Date.parse(opened.openedAt!)).toBe(settings.coolDownMs);
    expect(halfOpen).toMatchObject({ openedAt: opened.openedAt, reopensAt: null });
    expect(closed).toMatchObject({ openedAt: null, reopensAt: null });
  });
});

describe(CircuitOpenError.name, () => {
  it('is retried by Temporal once the cool-down is over', () => {
    const failure = classifyError(new CircuitOpenError('model:x', 4_200));

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: FAILURE_TYPES.circuitOpen, nonRetryable: false, nextRetryDelay: 4_200 });
    expect(failure.message).toContain('model:x');
  });
});
