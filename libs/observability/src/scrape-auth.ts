import { timingSafeEqual } from 'node:crypto';

/** Whether a scrape may read metrics: always without a configured token, else only with `Bearer <token>`. */
export function mayScrape(token: string | undefined, authorization: string | undefined): boolean {
  if (token === undefined) return true;
  const given = Buffer.from(authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
