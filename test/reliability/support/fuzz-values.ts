import fc from 'fast-check';

/** Strings people and attackers actually send: direction overrides, zero widths, combining marks, lone surrogates, emoji sequences. */
const ODD_PIECES = [
  '\u202E',
  '\u200B',
  '\u200D',
  '\uFEFF',
  '\u0301\u0301\u0301',
  '\uD800',
  '\uDFFF',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  'ﷺ',
  'İı',
  'ß',
  '\u0085',
  '\u2028\u2029',
  '\r\n',
  '\t',
  '%00',
  '%',
  '{{',
  '}}',
  '{{constructor}}',
  '../',
  "'; --",
  '<script>',
];

export const oddUnicodeString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(fc.oneof(fc.constantFrom(...ODD_PIECES), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 12 }).map((pieces) => pieces.join('')),
  );

/** From a few KiB to most of the 1 MiB body limit, so some are refused for size and some reach validation. */
export const hugeString = (): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom('x', 'é', '😀', '{{a}}', ' '), fc.integer({ min: 4_000, max: 300_000 })).map(([piece, times]) => piece.repeat(times));

/** Arrays or objects nested deeper than any schema expects (JSON text, built without recursion). */
export const deeplyNestedJson = (): fc.Arbitrary<string> =>
  fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean()).map(([depth, arrays]) =>
    arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** An object whose own keys include `__proto__` or `constructor` (JSON.parse makes them own, data properties). */
export const prototypeKeyObject = (): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue({ maxDepth: 2 }))
    .map(([key, value]) => JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(value ?? null)}, "polluted": true}`) as Record<string, unknown>);

/** Any value a JSON body could hold, weighted towards the hostile. */
export const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 4 },
    { arbitrary: oddUnicodeString(), weight: 3 },
    { arbitrary: prototypeKeyObject(), weight: 1 },
    { arbitrary: fc.constantFrom(-1, 0, 1.5, -0, 2 ** 53, 1e308, -1e308, '', ' ', 'null', 'true', '[]', '{}', 'NaN'), weight: 2 },
    { arbitrary: fc.string({ maxLength: 20 }).map((text) => text.repeat(200)), weight: 1 },
  );

/** A JSON body as the text that goes on the wire, including texts that are no JSON at all. */
export const hostileJsonText = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.json({ maxDepth: 4 }), weight: 3 },
    { arbitrary: hostileValue().map((value) => JSON.stringify(value) ?? 'null'), weight: 3 },
    { arbitrary: deeplyNestedJson(), weight: 1 },
    { arbitrary: hugeString().map((text) => JSON.stringify({ name: text, description: text })), weight: 1 },
    { arbitrary: fc.constantFrom('', '{', '{"a":', '[1,]', "{'a':1}", '\uFEFF{}', '{"a":1}{"b":2}', 'undefined', '{"a":"\\ud800"}', '{"a":"\\u0000"}'), weight: 1 },
  );
