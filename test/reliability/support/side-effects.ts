import { setTimeout as sleep } from 'node:timers/promises';
import type { FixtureHandler, FixtureResponse, RecordedRequest } from '../../fakes/http-fixture';

/** What the http.request tool sends as `Idempotency-Key` for an unsafe method: the run and the step, nothing else. */
export const sideEffectKey = (runId: string, stepKey: string): string => `${runId}:${stepKey}`;

/** One request as the fake received it: when, under which idempotency key, and whether it applied a side effect. */
export interface Delivery {
  path: string;
  /** The `Idempotency-Key` header; undefined when the request came without one. */
  key: string | undefined;
  /** `Date.now()` when the fake had read the whole request. */
  at: number;
  /** When the fake sent its answer; undefined while it has not (or never will). */
  answeredAt?: number;
  /** False for a repeat of a key already applied: the fake answered it from its record and changed nothing. */
  applied: boolean;
}

const idempotencyKeyOf = (request: RecordedRequest): string | undefined =>
  Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'idempotency-key')?.[1];

/**
 * Counts side effects the way a payments API does (Stripe's `Idempotency-Key`): the first request under a
 * key applies its effect; a repeat under the same key is answered from the record and applies nothing. A
 * request without a key always applies one, so a tool that dropped or changed the key shows up as a second
 * effect of its step.
 */
export class SideEffectLedger {
  readonly deliveries: Delivery[] = [];
  private readonly answers = new Map<string, unknown>();
  private unkeyed = 0;

  /**
   * A fake endpoint that applies side effects once per key. `latencyMs` holds each answer back (work at the
   * far end), which is where a killed worker leaves a call in flight.
   */
  endpoint(answer: (effect: number) => unknown, latencyMs: () => number = () => 0): FixtureHandler {
    return async (request) => {
      const key = idempotencyKeyOf(request);
      const delivery: Delivery = { path: new URL(request.path, 'http://fake').pathname, key, at: Date.now(), applied: false };
      this.deliveries.push(delivery);
      const ledgerKey = key ?? `(no key #${++this.unkeyed})`;
      if (!this.answers.has(ledgerKey)) {
        delivery.applied = true;
        this.answers.set(ledgerKey, answer(this.effects().length));
      }
      await sleep(latencyMs());
      delivery.answeredAt = Date.now();
      return { status: 201, body: this.answers.get(ledgerKey) } satisfies FixtureResponse;
    };
  }

  /** Every applied side effect, in order. */
  effects(): Delivery[] {
    return this.deliveries.filter((delivery) => delivery.applied);
  }

  effectsOf(key: string): number {
    return this.effects().filter((delivery) => delivery.key === key).length;
  }

  deliveriesOf(key: string): Delivery[] {
    return this.deliveries.filter((delivery) => delivery.key === key);
  }

  /** What the fake answered (and so what the run should have stored) for a key. */
  answerFor(key: string): unknown {
    return this.answers.get(key);
  }

  /** Requests received and not yet answered. */
  inFlight(): number {
    return this.deliveries.filter((delivery) => delivery.answeredAt === undefined).length;
  }
}

/**
 * A fake endpoint that answers its n-th request (from 0) by `script(n)`, and records when each came and
 * under which idempotency key: for asserting attempts and the time between them.
 */
export function scriptedEndpoint(script: (call: number) => FixtureResponse): { handler: FixtureHandler; deliveries: Delivery[] } {
  const deliveries: Delivery[] = [];
  const handler: FixtureHandler = (request) => {
    deliveries.push({ path: new URL(request.path, 'http://fake').pathname, key: idempotencyKeyOf(request), at: Date.now(), applied: true });
    return script(deliveries.length - 1);
  };
  return { handler, deliveries };
}

/** Milliseconds between consecutive deliveries. */
export const gapsBetween = (deliveries: readonly Delivery[]): number[] => deliveries.slice(1).map((delivery, index) => delivery.at - deliveries[index].at);

/** An integer in [min, max]. */
export const randomBetween = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min + 1));
