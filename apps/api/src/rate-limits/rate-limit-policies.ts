import type { AppConfig } from '@flowmate/config';
import type { UserTier } from '@flowmate/contracts';

/** So many points per key within a window that starts at the key's first point. */
export interface RateLimitPolicy {
  /** Also the counters' key prefix: policies never share counters. */
  name: string;
  points: number;
  windowSeconds: number;
}

interface TierLimits {
  requestsPerMinute: number;
  runStartsPerDay: number;
}

/** What each tier may do; `unlimited` (for load tests) has no per-user limit and no quota. */
const TIER_LIMITS: Record<UserTier, TierLimits | null> = {
  free: { requestsPerMinute: 300, runStartsPerDay: 200 },
  pro: { requestsPerMinute: 1_200, runStartsPerDay: 5_000 },
  enterprise: { requestsPerMinute: 6_000, runStartsPerDay: 100_000 },
  unlimited: null,
};

export const perIpPolicy = ({ ipPerMinute }: AppConfig['api']['rateLimits']): RateLimitPolicy => ({ name: 'ip', points: ipPerMinute, windowSeconds: 60 });

export const signInPerIpPolicy = ({ authIpPerMinute }: AppConfig['api']['rateLimits']): RateLimitPolicy => ({ name: 'auth-ip', points: authIpPerMinute, windowSeconds: 60 });

export const signInPerEmailPolicy = ({ authEmailPerHour }: AppConfig['api']['rateLimits']): RateLimitPolicy => ({
  name: 'auth-email',
  points: authEmailPerHour,
  windowSeconds: 3_600,
});

export function perUserPolicy(tier: UserTier): RateLimitPolicy | undefined {
  const limits = TIER_LIMITS[tier];
  return limits ? { name: `user-${tier}`, points: limits.requestsPerMinute, windowSeconds: 60 } : undefined;
}

export function runStartQuotaPolicy(tier: UserTier): RateLimitPolicy | undefined {
  const limits = TIER_LIMITS[tier];
  return limits ? { name: `run-starts-${tier}`, points: limits.runStartsPerDay, windowSeconds: 86_400 } : undefined;
}
