/** Keys that reach object prototypes, and that the DTO transformer cannot take as data. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor']);
/** A UTF-16 surrogate without its other half: JSON can escape one (`"\ud800"`), Postgres jsonb refuses it. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Deeper than any request of the API needs; the DTO transformer and validators recurse, and overflow the stack a few thousand levels down. */
export const MAX_JSON_DEPTH = 100;

/**
 * The JSON body parser's reviver: what cannot be stored or safely handled is refused at the door (400)
 * instead of failing later (500) or being dropped without a word.
 * - U+0000 and unpaired surrogates: Postgres text and jsonb cannot hold them.
 * - `__proto__` and `constructor` keys: the classic prototype-pollution vectors (refused as fastify's
 *   secure-json-parse does), which class-transformer would otherwise drop or crash on.
 */
export function refuseUnsafeJson(key: string, value: unknown): unknown {
  if ((typeof value === 'string' && value.includes('\u0000')) || key.includes('\u0000')) {
    throw new Error('the JSON body contains a U+0000 (NUL) character, which cannot be stored');
  }
  if ((typeof value === 'string' && UNPAIRED_SURROGATE.test(value)) || UNPAIRED_SURROGATE.test(key)) {
    throw new Error('the JSON body contains an unpaired UTF-16 surrogate (a lone \\ud800-\\udfff escape), which cannot be stored');
  }
  if (PROTOTYPE_KEYS.has(key)) throw new Error(`the JSON body has a "${key}" key, which is refused: it could reach object prototypes`);
  return value;
}

/** Runs after the JSON body parser: a body nested deeper than MAX_JSON_DEPTH is refused (400), measured without recursion. */
export function refuseDeepJson(request: { body?: unknown }, _response: unknown, next: (error?: unknown) => void): void {
  const pending: Array<[unknown, number]> = [[request.body, 1]];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [value, depth] = item;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_JSON_DEPTH) {
      next(Object.assign(new Error(`the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`), { status: 400, expose: true }));
      return;
    }
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  next();
}
