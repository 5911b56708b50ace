/** Keys that reach object prototypes, and that the DTO transformer cannot take as data. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor']);

/**
 * The JSON body parser's reviver: what cannot be stored or safely handled is refused at the door (400)
 * instead of failing later (500) or being dropped without a word.
 * - U+0000: Postgres text and jsonb cannot hold it.
 * - `__proto__` and `constructor` keys: the classic prototype-pollution vectors (refused as fastify's
 *   secure-json-parse does), which class-transformer would otherwise drop or crash on.
 */
export function refuseUnsafeJson(key: string, value: unknown): unknown {
  if ((typeof value === 'string' && value.includes('\u0000')) || key.includes('\u0000')) {
    throw new Error('the JSON body contains a U+0000 (NUL) character, which cannot be stored');
  }
  if (PROTOTYPE_KEYS.has(key)) throw new Error(`the JSON body has a "${key}" key, which is refused: it could reach object prototypes`);
  return value;
}
