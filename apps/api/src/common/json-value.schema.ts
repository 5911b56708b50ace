import type { SchemaObject } from '@nestjs/swagger';

/** Any JSON value: OpenAPI 3.0 has no type of its own for it. */
export const JSON_VALUE_SCHEMA: { oneOf: SchemaObject[] } = {
  oneOf: [{ type: 'object' }, { type: 'array', items: {} }, { type: 'string' }, { type: 'number' }, { type: 'boolean' }],
};

/** A JSON object of any fields. */
export const JSON_OBJECT_SCHEMA = { type: 'object', additionalProperties: true } as const;
