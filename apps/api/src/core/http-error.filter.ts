import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import type { ErrorBody } from './error-body';

interface ClientError {
  status: number;
  expose: boolean;
  message: string;
}

/** Maps every error to ErrorBody; anything unexpected is logged and becomes a 500 without internals. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const correlationId = String(request.id ?? '');
    const body = this.toBody(exception, correlationId);
    if (body.statusCode >= 500) this.logger.error({ err: exception, correlationId }, 'request failed');
    http.getResponse<Response>().status(body.statusCode).json(body);
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

/** Body-parser errors (bad JSON, too large) carry their own 4xx status and a safe message. */
function isClientError(error: unknown): error is ClientError {
  const candidate = error as Partial<ClientError> | null;
  return typeof candidate?.status === 'number' && candidate.status >= 400 && candidate.status < 500 && candidate.expose === true;
}
