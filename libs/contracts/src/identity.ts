/** What a user pays for: it sets their rate limits and daily run-start quota. `unlimited` has neither, for load tests. */
export const USER_TIERS = ['free', 'pro', 'enterprise', 'unlimited'] as const;
export type UserTier = (typeof USER_TIERS)[number];

/** An `operator` runs the installation (the Temporal Web UI's codec endpoint); everyone else is a `user`. */
export const USER_ROLES = ['user', 'operator'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Personal API keys start with this, so a bearer token says which kind it is (and secret scanners find leaked ones). */
export const API_KEY_PREFIX = 'fm_';
