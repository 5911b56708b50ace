import type { SelectQueryBuilder } from 'typeorm';

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

interface Positioned {
  id: string;
  createdAt: Date;
}

/**
 * Keyset pagination, newest first, over `(created_at, id)`; the cursor is opaque to clients.
 * Paged tables keep created_at in milliseconds, the precision of a JS Date, so a cursor is exact.
 */
export async function pageNewestFirst<T extends Positioned>(query: SelectQueryBuilder<T>, { limit, cursor }: PageRequest): Promise<Page<T>> {
  const alias = query.alias;
  if (cursor) {
    const position = decodeCursor(cursor);
    query.andWhere(`(${alias}.created_at, ${alias}.id) < (:cursorTime, :cursorId)`, position);
  }
  const rows = await query
    .orderBy(`${alias}.created_at`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .take(limit + 1)
    .getMany();
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

function encodeCursor({ createdAt, id }: Positioned): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { cursorTime: string; cursorId: string } {
  try {
    const [cursorTime, cursorId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof cursorTime !== 'string' || new Date(cursorTime).toISOString() !== cursorTime) throw new Error();
    if (typeof cursorId !== 'string' || !UUID.test(cursorId)) throw new Error();
    return { cursorTime, cursorId };
  } catch {
    throw new InvalidCursorError('cursor is not one this API returned');
  }
}
