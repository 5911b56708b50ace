import { isDatabaseUnreachable } from '@flowmate/db';
import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import type { ErrorBody } from './error-body';

interface ClientError {
  status: number;
  expose: boolean;
  message: string;
}

/** How long a client should wait before asking again while Postgres is unreachable. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Maps every error to ErrorBody; Postgres being unreachable becomes a 503 with `Retry-After` (the request may
 * succeed when asked again); anything else unexpected is logged and becomes a 500 without internals.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const correlationId = String(request.id ?? '');
    const databaseDown = isDatabaseUnreachable(exception);
    const body = databaseDown ? unavailableBody(correlationId) : this.toBody(exception, correlationId);
    if (databaseDown) {
      this.logger.warn({ err: exception, correlationId }, 'request failed: Postgres is unreachable');
      response.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    } else if (body.statusCode >= 500) {
      this.logger.error({ err: exception, correlationId }, 'request failed');
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, correlationId: string): ErrorBody {
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const fields = typeof response === 'object' ? (response as { message?: unknown; details?: ErrorBody['details'] }) : {};
      const message = typeof fields.message === 'string' ? fields.message : exception.message;
      return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...(fields.details ? { details: fields.details } : {}), correlationId };
    }
    if (isClientError(exception)) {
      return { statusCode: exception.status, error: STATUS_CODES[exception.status] ?? 'Error', message: exception.message, correlationId };
    }
    const statusCode = HttpStatus.INTERNAL_SERVER_ERROR;
    return { statusCode, error: STATUS_CODES[statusCode] as string, message: 'Something went wrong on our side; quote the correlation id', correlationId };
  }
}

function unavailableBody(correlationId: string): ErrorBody {
  const statusCode = HttpStatus.SERVICE_UNAVAILABLE;
  return { statusCode, error: STATUS_CODES[statusCode] as string, message: 'The database is unavailable; try again shortly', correlationId };
}


/** Body-parser errors (bad JSON, too large) carry their own 4xx status and a safe message. */
function isClientError(error: unknown): error is ClientError {
  const candidate = error as Partial<ClientError> | null;
  return typeof candidate?.status === 'number' && candidate.status >= 400 && candidate.status < 500 && candidate.expose === true;
}
