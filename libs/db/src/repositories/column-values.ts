import type { ObjectLiteral } from 'typeorm';

/** Values to write, by property: each of the entity's own type, or raw SQL such as `() => 'now()'`. */
export type ColumnValues<T> = { [K in keyof T]?: T[K] | (() => string) };

/**
 * For insert `values()` and update `set()` on entities with jsonb columns: TypeORM's own deep-partial
 * type recurses without end into recursive JSON types (TS2589). This shallow one still checks names and
 * types; a jsonb value is written whole, so nothing deeper needs checking.
 */
export const columnValues = <T>(values: ColumnValues<T>): ObjectLiteral => values;
