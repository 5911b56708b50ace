/**
 * `npm test` runs every drill at a size that fits CI; `npm run test:reliability` (RELIABILITY_SCALE=full)
 * runs them at the size the reliability issue asks for.
 */
export const FULL_SCALE = process.env.RELIABILITY_SCALE === 'full';

export function drillSize<T>(small: T, full: T): T {
  return FULL_SCALE ? full : small;
}
