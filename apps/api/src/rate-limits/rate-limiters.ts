import { HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import type { RateLimitPolicy } from './rate-limit-policies';

/** Where a key stands under a policy after a request: what the `RateLimit-*` headers say. */
interface Allowance {
  policy: RateLimitPolicy;
  remaining: number;
  resetSeconds: number;
}

const REMAINING_HEADER = 'RateLimit-Remaining';

/**
 * The API's rate limits, counted in Postgres (rate-limiter-flexible's Postgres store) so that every API
 * replica sees the same counters; Postgres is already the API's one required store, Redis would be a
 * second. While Postgres cannot be reached, each replica counts in memory instead.
 */
@Injectable()
export class RateLimiters {
  private readonly logger = new Logger(RateLimiters.name);
  private readonly limiters = new Map<string, RateLimiterPostgres>();

  constructor(private readonly db: DataSource) {}

  /** Takes `points` from the key's allowance and reports it on the response; 429 when it is used up. */
  async consume(policy: RateLimitPolicy, key: string, response: Response, points = 1): Promise<void> {
    try {
      report(response, allowanceOf(policy, await this.limiterFor(policy).consume(key, points)));
    } catch (outcome) {
      if (!(outcome instanceof RateLimiterRes)) throw outcome;
      const allowance = allowanceOf(policy, outcome);
      report(response, allowance, true);
      response.setHeader('Retry-After', String(allowance.resetSeconds));
      throw new HttpException(`Too many requests; try again in ${allowance.resetSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
    }
  }

  /** Gives points back, for work that was counted but did not happen. */
  async refund(policy: RateLimitPolicy, key: string, points = 1): Promise<void> {
    await this.limiterFor(policy)
      .reward(key, points)
      .catch((error: Error) => this.logger.warn({ err: error, policy: policy.name }, 'could not refund a rate-limit point'));
  }

  private limiterFor(policy: RateLimitPolicy): RateLimiterPostgres {
    const id = `${policy.name}:${policy.points}:${policy.windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const shape = { keyPrefix: policy.name, points: policy.points, duration: policy.windowSeconds };
      limiter = new RateLimiterPostgres({
        ...shape,
        storeClient: this.db,
        storeType: 'typeorm',
        tableName: 'rate_limits',
        tableCreated: true,
        // Every policy counts in the one table; the first limiter's 5-minute purge of expired rows serves them all.
        clearExpiredByTimeout: this.limiters.size === 0,
        // A key over its limit is refused from memory until its window ends: a flood costs no queries.
        inMemoryBlockOnConsumed: policy.points + 1,
        insuranceLimiter: new RateLimiterMemory(shape),
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}

const allowanceOf = (policy: RateLimitPolicy, outcome: RateLimiterRes): Allowance => ({
  policy,
  remaining: Math.max(0, outcome.remainingPoints),
  resetSeconds: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)),
});

/** The `RateLimit-*` headers of the tightest allowance the request met (IETF draft "RateLimit header fields for HTTP"). */
function report(response: Response, allowance: Allowance, refused = false): void {
  const shown = response.getHeader(REMAINING_HEADER);
  if (!refused && shown !== undefined && Number(shown) <= allowance.remaining) return;
  const { policy, remaining, resetSeconds } = allowance;
  response.setHeader('RateLimit-Limit', String(policy.points));
  response.setHeader(REMAINING_HEADER, String(remaining));
  response.setHeader('RateLimit-Reset', String(resetSeconds));
  response.setHeader('RateLimit-Policy', `${policy.points};w=${policy.windowSeconds}`);
}
