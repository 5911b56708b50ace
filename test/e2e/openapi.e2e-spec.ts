import { HttpStatus, RequestMethod, type CanActivate, type INestApplication, type Type } from '@nestjs/common';
import { GUARDS_METADATA, HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { IS_PUBLIC, SESSION_ONLY } from '../../apps/api/src/auth/auth-user';
import { JwtAuthGuard } from '../../apps/api/src/auth/jwt-auth.guard';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { startStack, type Stack } from '../support/stack';

interface SchemaObject {
  $ref?: string;
  allOf?: SchemaObject[];
  type?: string;
  properties?: Record<string, SchemaObject>;
  items?: SchemaObject;
  example?: unknown;
}

interface ResponseObject {
  description: string;
  content?: Record<string, { schema?: SchemaObject; example?: unknown }>;
}

interface Operation {
  operationId: string;
  responses: Record<string, ResponseObject>;
  security?: Array<Record<string, string[]>>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, SchemaObject & { required?: string[] }>; securitySchemes: Record<string, { type: string; scheme: string; bearerFormat?: string }> };
}

/** A route as Nest registered it, read off the controllers' metadata. */
interface ControllerRoute {
  name: string;
  httpMethod: string;
  /** The controller's and the handler's paths, in OpenAPI's `{param}` form, without the global prefix. */
  path: string;
  successStatus: number;
  authenticated: boolean;
  sessionOnly: boolean;
  takesInput: boolean;
}

const ERROR_BODY_REF = '#/components/schemas/ErrorBody';
const SIGNED_IN = [{ bearer: [] }, { 'api-key': [] }];
const SESSION_ONLY_SECURITY = [{ bearer: [] }];
const STREAM_TYPES = ['text/event-stream', 'text/plain'];

function routesOf(app: INestApplication): ControllerRoute[] {
  const controllers = new Set<Type>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) controllers.add(wrapper.metatype as Type);
  }
  const scanner = new MetadataScanner();
  return [...controllers].flatMap((controller) =>
    scanner
      .getAllMethodNames(controller.prototype)
      .filter((name) => Reflect.hasMetadata(PATH_METADATA, controller.prototype[name]))
      .map((name) => routeOf(controller, name)),
  );
}

function routeOf(controller: Type, name: string): ControllerRoute {
  const handler = controller.prototype[name] as object;
  const read = <T>(key: unknown): T | undefined => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
  const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
  const guards = [...(Reflect.getMetadata(GUARDS_METADATA, controller) ?? []), ...(Reflect.getMetadata(GUARDS_METADATA, handler) ?? [])] as Array<Type<CanActivate>>;
  const args = Object.entries((Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { pipes: unknown[] }>);
  // A route's own guard may authenticate it though the global guard lets it through (the codec).
  const ownAuthentication = guards.some((guard) => guard === JwtAuthGuard || guard.prototype instanceof JwtAuthGuard);
  return {
    name: `${controller.name}.${name}`,
    httpMethod: RequestMethod[requestMethod].toLowerCase(),
    path: [Reflect.getMetadata(PATH_METADATA, controller), Reflect.getMetadata(PATH_METADATA, handler)]
      .filter((part: string) => part && part !== '/')
      .join('/')
      .replace(/:(\w+)/g, '{$1}'),
    successStatus: read<number>(HTTP_CODE_METADATA) ?? (requestMethod === RequestMethod.POST ? HttpStatus.CREATED : HttpStatus.OK),
    authenticated: read<boolean>(IS_PUBLIC) !== true || ownAuthentication,
    sessionOnly: read<boolean>(SESSION_ONLY) === true,
    takesInput: args.some(([key, { pipes }]) => {
      const type = Number(key.split(':')[0]);
      return type === RouteParamtypes.BODY || type === RouteParamtypes.QUERY || (type === RouteParamtypes.PARAM && pipes.length > 0);
    }),
  };
}

/** The statuses the route's metadata says it can answer: its success, and the errors of auth, validation and rate limits. */
function statusesOf(route: ControllerRoute): number[] {
  return [
    route.successStatus,
    HttpStatus.TOO_MANY_REQUESTS,
    ...(route.authenticated ? [HttpStatus.UNAUTHORIZED] : []),
    ...(route.sessionOnly ? [HttpStatus.FORBIDDEN] : []),
    ...(route.takesInput ? [HttpStatus.BAD_REQUEST] : []),
  ];
}

const isSchema = (schema: SchemaObject | undefined): boolean => schema !== undefined && Boolean(schema.$ref || schema.allOf || schema.type);

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner)));
}

describe('OpenAPI document (e2e)', () => {
  let stack: Stack;
  let document: OpenApiDocument;
  let routes: ControllerRoute[];
  const operations = new Map<string, Operation>();

  beforeAll(async () => {
    stack = await startStack();
    document = (await stack.http.get('/docs-json').expect(200)).body as OpenApiDocument;
    // A second instance of the same app, not listening: Nest's registry of controllers is read from it.
    const app = await createApiApp(stack.config);
    routes = routesOf(app);
    await app.close();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** The route's operation, found where Nest put it: its method under a path ending in the route's own path. */
  function operationOf(route: ControllerRoute): Operation | undefined {
    const key = `${route.httpMethod} ${route.path}`;
    if (!operations.has(key)) {
      const path = Object.keys(document.paths).find((candidate) => candidate === `/${route.path}` || candidate.endsWith(`/${route.path}`));
      const operation = path === undefined ? undefined : document.paths[path][route.httpMethod];
      if (operation) operations.set(key, operation);
    }
    return operations.get(key);
  }

  it('finds the routes of every module', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.map((route) => route.name)).toEqual(expect.arrayContaining(['AgentsController.list', 'RunsController.start', 'SchedulesController.put', 'HealthController.ready', 'MetricsController.scrape']));
  });

  it('documents every route with each status it can answer', () => {
    const missing = routes.flatMap((route) => {
      const operation = operationOf(route);
      if (!operation) return [`${route.name}: not in the document (${route.httpMethod.toUpperCase()} …/${route.path})`];
      return statusesOf(route)
        .filter((status) => !operation.responses[status])
        .map((status) => `${route.name}: no ${status} response`);
    });
    expect(missing).toEqual([]);
  });

  it('gives every success response a schema, unless it has no body or is a stream or text', () => {
    const problems = routes.flatMap((route) => {
      const operation = operationOf(route);
      if (!operation) return [];
      return Object.entries(operation.responses)
        .filter(([status]) => Number(status) < 400 && Number(status) !== HttpStatus.NO_CONTENT && Number(status) !== HttpStatus.FOUND)
        .filter(([, response]) => {
          const content = response.content ?? {};
          return !isSchema(content['application/json']?.schema) && !STREAM_TYPES.some((type) => content[type]?.schema);
        })
        .map(([status]) => `${route.name}: ${status} has no schema`);
    });
    expect(problems).toEqual([]);
  });

  it('answers every error with the one error body', () => {
    const problems = routes.flatMap((route) => {
      const operation = operationOf(route);
      if (!operation) return [];
      return Object.entries(operation.responses)
        .filter(([status]) => Number(status) >= 400)
        .filter(([, response]) => JSON.stringify(response.content) !== JSON.stringify({ 'application/json': { schema: { $ref: ERROR_BODY_REF } } }))
        .map(([status]) => `${route.name}: ${status} is not an ErrorBody`);
    });
    expect(problems).toEqual([]);
    expect(document.components.schemas.ErrorBody).toMatchObject({
      required: ['statusCode', 'error', 'message', 'correlationId'],
      properties: { details: { type: 'array', items: { $ref: '#/components/schemas/ValidationProblemDto' } } },
    });
  });

  it('asks for an access token or an API key on every route but the public ones, and for an access token where API keys are refused', () => {
    expect(document.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      'api-key': expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'fm_…' }),
    });
    const problems = routes.flatMap((route) => {
      const operation = operationOf(route);
      if (!operation) return [];
      const expected = !route.authenticated ? [] : route.sessionOnly ? SESSION_ONLY_SECURITY : SIGNED_IN;
      return JSON.stringify(operation.security ?? []) === JSON.stringify(expected) ? [] : [`${route.name}: security ${JSON.stringify(operation.security)}`];
    });
    expect(problems).toEqual([]);
  });

  it('refers only to schemas it defines, from operations and schemas alike', () => {
    const defined = new Set(Object.keys(document.components.schemas).map((name) => `#/components/schemas/${name}`));
    expect(refsIn(document).filter((ref) => !defined.has(ref))).toEqual([]);
  });

  it('documents the main resources with examples and their own errors', () => {
    const agent = document.paths['/api/v1/agents/{id}'].get;
    expect(agent.responses['200'].content?.['application/json'].schema).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/AgentDefinitionDto' }, { $ref: '#/components/schemas/AgentRecordDto' }],
      example: { version: expect.any(Number), microAgents: expect.any(Array) },
    });
    expect(Object.keys(agent.responses)).toEqual(expect.arrayContaining(['404']));
    expect(document.paths['/api/v1/agents'].get.responses['200'].content?.['application/json'].schema).toMatchObject({
      properties: { items: { type: 'array', items: { allOf: expect.any(Array) } }, nextCursor: { type: 'string', nullable: true } },
    });
    expect(document.paths['/api/v1/agents'].post.responses['201']).toBeDefined();

    const start = document.paths['/api/v1/agents/{id}/run'].post;
    expect(start.responses['202'].content?.['application/json'].schema).toEqual({ $ref: '#/components/schemas/RunStartedDto' });
    expect(Object.keys(start.responses)).toEqual(expect.arrayContaining(['404', '409', '422', '503']));
    expect(document.components.schemas.RunStartedDto.properties?.status.example).toBe('queued');
    expect(document.paths['/api/v1/runs/{id}/events'].get.responses['200'].content).toHaveProperty(['text/event-stream']);

    const schedule = document.paths['/api/v1/agents/{id}/schedule'];
    expect(schedule.put.responses['200'].content?.['application/json'].schema).toEqual({ $ref: '#/components/schemas/ScheduleDto' });
    expect(Object.keys(schedule.put.responses)).toEqual(expect.arrayContaining(['404', '409', '503']));
    expect(schedule.delete.responses['204']).toBeDefined();
    expect(document.components.schemas.ScheduleDto.properties?.cron.example).toBe('0 9 * * 1-5');
  });
});
