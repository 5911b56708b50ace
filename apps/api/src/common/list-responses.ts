import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath, type ReferenceObject, type SchemaObject } from '@nestjs/swagger';

/** An item class, or the schema of an item that is not one class (an agent: its definition and what the API adds). */
export type ItemSchema = Type<unknown> | SchemaObject | ReferenceObject;

const itemsOf = (item: ItemSchema): SchemaObject => ({ type: 'array', items: typeof item === 'function' ? { $ref: getSchemaPath(item) } : item });
const extraModels = (item: ItemSchema): ClassDecorator & MethodDecorator => applyDecorators(...(typeof item === 'function' ? [ApiExtraModels(item)] : []));

/** 200 with a `PageDto`: one page of items and the cursor of the next. */
export const ApiPageResponse = (item: ItemSchema): ClassDecorator & MethodDecorator =>
  applyDecorators(
    extraModels(item),
    ApiOkResponse({
      description: 'One page, newest first; pass `nextCursor` as `cursor` for the next',
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: { items: itemsOf(item), nextCursor: { type: 'string', nullable: true, description: 'Null on the last page' } },
      },
    }),
  );

/** 200 with `{ items }`: a whole list, small enough for one answer. */
export const ApiListResponse = (item: ItemSchema): ClassDecorator & MethodDecorator =>
  applyDecorators(extraModels(item), ApiOkResponse({ schema: { type: 'object', required: ['items'], properties: { items: itemsOf(item) } } }));
