/** Where the API under test listens; health probes sit outside the API's prefix. */
export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
export const API_URL = `${BASE_URL}/api/v1`;

/** A positive number from the environment, else `fallback`; a bad value stops the test and names the variable. */
export function numberFromEnv(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}

/** How long the main scenario lasts (`DURATION`, a k6 duration such as `90s` or `5m`). */
export const durationFromEnv = (fallback) => __ENV.DURATION || fallback;
