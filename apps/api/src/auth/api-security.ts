import { API_KEY_PREFIX } from '@flowmate/contracts';
import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiSecurity, type DocumentBuilder } from '@nestjs/swagger';
import { ApiErrorResponses } from '../core/api-error-responses';

/** Swagger's default bearer scheme name, so a plain `@ApiBearerAuth()` means an access token too. */
const ACCESS_TOKEN_SCHEME = 'bearer';
const API_KEY_SCHEME = 'api-key';

/** Both are sent as `Authorization: Bearer …`; the guard tells them apart by the API key prefix. */
export const addSecuritySchemes = (builder: DocumentBuilder): DocumentBuilder =>
  builder
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from POST /auth/verify or POST /auth/refresh' }, ACCESS_TOKEN_SCHEME)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: `${API_KEY_PREFIX}…`, description: `A personal API key from POST /api-keys (\`${API_KEY_PREFIX}…\`)` },
      API_KEY_SCHEME,
    );

/** A route for signed-in callers: an access token or a personal API key (two requirements: either one will do). */
export const ApiSignedIn = (): ClassDecorator & MethodDecorator =>
  applyDecorators(ApiSecurity(ACCESS_TOKEN_SCHEME), ApiSecurity(API_KEY_SCHEME), ApiErrorResponses(HttpStatus.UNAUTHORIZED));

/** The documentation of `@SessionOnly()`: an access token only, an API key is refused with 403. */
export const ApiSessionOnly = (): ClassDecorator & MethodDecorator =>
  applyDecorators(ApiSecurity(ACCESS_TOKEN_SCHEME), ApiErrorResponses(HttpStatus.UNAUTHORIZED, HttpStatus.FORBIDDEN));
