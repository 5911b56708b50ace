import type { EntityManager } from 'typeorm';

/** The rows an `UPDATE` or `DELETE … RETURNING` changed: TypeORM answers those raw with `[rows, count]`, unlike a SELECT or INSERT. */
export async function updateReturning<T>(db: Pick<EntityManager, 'query'>, sql: string, parameters: unknown[]): Promise<T[]> {
  const [rows] = (await db.query(sql, parameters)) as [T[], number];
  return rows;
}
