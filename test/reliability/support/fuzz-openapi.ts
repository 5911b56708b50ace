import fc from 'fast-check';
import { hostileValue } from './fuzz-values';

export interface SchemaObject {
  $ref?: string;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: SchemaObject;
}

interface OperationObject {
  operationId?: string;
  parameters?: ParameterObject[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
  security?: Array<Record<string, string[]>>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

export interface FuzzOperation {
  /** `GET /api/v1/agents/{id}`, for messages. */
  name: string;
  method: string;
  path: string;
  pathParams: ParameterObject[];
  queryParams: ParameterObject[];
  headerParams: ParameterObject[];
  bodySchema?: SchemaObject;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function operationsOf(document: OpenApiDocument): FuzzOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => {
        const parameters = operation.parameters ?? [];
        return {
          name: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          pathParams: parameters.filter((parameter) => parameter.in === 'path'),
          queryParams: parameters.filter((parameter) => parameter.in === 'query'),
          headerParams: parameters.filter((parameter) => parameter.in === 'header'),
          bodySchema: operation.requestBody?.content?.['application/json']?.schema,
        };
      }),
  );
}

/**
 * Values of a schema, near-valid: mostly what it asks for, with a hostile value in place of some
 * node at any depth and the bounds stepped over now and then, so requests get past the first check.
 */
export function schemaValue(document: OpenApiDocument, schema: SchemaObject | undefined, depth = 0): fc.Arbitrary<unknown> {
  const valid = depth > 6 || !schema ? fc.jsonValue({ maxDepth: 1 }) : validish(document, schema, depth);
  return fc.oneof({ arbitrary: valid, weight: 24 }, { arbitrary: hostileValue(), weight: 1 });
}

function resolve(document: OpenApiDocument, schema: SchemaObject): SchemaObject {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return document.components?.schemas?.[name] ?? {};
}

function validish(document: OpenApiDocument, raw: SchemaObject, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw);
  if (schema.allOf?.length) {
    const merged = schema.allOf.map((part) => resolve(document, part)).reduce<SchemaObject>(
      (all, part) => ({ ...all, ...part, properties: { ...all.properties, ...part.properties }, required: [...(all.required ?? []), ...(part.required ?? [])] }),
      {},
    );
    return validish(document, merged, depth);
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((alternative) => schemaValue(document, alternative, depth + 1)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.oneof({ arbitrary: fc.constantFrom(...schema.enum), weight: 9 }, { arbitrary: fc.string({ maxLength: 10 }), weight: 1 });
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const names = Object.keys(properties);
      if (names.length === 0) return fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });
      const required = new Set(schema.required ?? []);
      const model = Object.fromEntries(names.map((name) => [name, schemaValue(document, properties[name], depth + 1)]));
      const requiredKeys = names.filter((name) => required.has(name));
      return fc.record(model, { requiredKeys });
    }
    case 'array': {
      const maxItems = schema.maxItems ?? 4;
      return fc.array(schemaValue(document, schema.items, depth + 1), { minLength: 0, maxLength: Math.min(maxItems + 1, 6) });
    }
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -1_000;
      const max = schema.maximum ?? 1_000_000;
      const inRange = type === 'integer' ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
      return fc.oneof({ arbitrary: inRange, weight: 16 }, { arbitrary: fc.constantFrom(min - 1, max + 1, 0.5, -1, 2 ** 31, Number.MAX_SAFE_INTEGER + 2), weight: 1 });
    }
    case 'boolean':
      return fc.boolean();
    case 'string':
      return stringOf(schema);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringOf(schema: SchemaObject): fc.Arbitrary<string> {
  const maxLength = schema.maxLength ?? 60;
  const plain = fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(maxLength, 60) });
  const byFormat: Record<string, fc.Arbitrary<string>> = {
    uuid: fc.uuid(),
    email: fc.emailAddress(),
    uri: fc.webUrl(),
    url: fc.webUrl(),
    'date-time': fc.date({ noInvalidDate: true, min: new Date('1970-01-01'), max: new Date('2100-01-01') }).map((date) => date.toISOString()),
  };
  const shaped = (schema.format && byFormat[schema.format]) || (schema.pattern ? patternString(schema.pattern) : undefined) || plain;
  return fc.oneof({ arbitrary: shaped, weight: 16 }, { arbitrary: fc.constant('y'.repeat(maxLength + 1)), weight: 1 }, { arbitrary: plain, weight: 1 });
}

function patternString(pattern: string): fc.Arbitrary<string> | undefined {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return undefined;
  }
}

/** Path parameter values: known ones (ids of things that exist), fresh UUIDs, and junk (raw, so malformed percent-escapes reach the router as sent). */
export function pathParamValue(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.uuid().map(percentEncoded), weight: 2 },
    { arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.uuid(), weight: known.length > 0 ? 8 : 1 },
    { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map(percentEncoded), weight: 2 },
    { arbitrary: fc.constantFrom('%', '%E0%A4%A', '%00', '%2e%2e', '..%2F..%2Fetc', '0', '-1', 'null', 'undefined', '%F0%9F%98%80', 'a'.repeat(3_000), '1%27%20OR%201=1'), weight: 2 },
  );
}

/** encodeURIComponent, except that a text with a lone surrogate (which it refuses) is sent byte by byte, as UTF-8 encodes it (U+FFFD). */
export function percentEncoded(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
}
