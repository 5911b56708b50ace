import { BadRequestException, Logger, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { HttpErrorFilter } from './http-error.filter';
import type { ErrorBody } from './error-body';

function respond(exception: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  const sent = { status: 0, body: undefined as unknown as ErrorBody, headers: {} as Record<string, string> };
  const response = {
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
    },
    status(code: number) {
      sent.status = code;
      return response;
    },
    json(body: ErrorBody) {
      sent.body = body;
    },
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ id: 'corr-1' }), getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new HttpErrorFilter().catch(exception, host);
  return sent;
}

describe(HttpErrorFilter.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('keeps an HTTP exception\'s status, message and listed problems', () => {
    const details = [{ path: 'name', message: 'must be shorter' }];
    expect(respond(new BadRequestException({ message: 'The agent definition is invalid', details }))).toEqual({
      status: 400,
      headers: {},
      body: { statusCode: 400, error: 'Bad Request', message: 'The agent definition is invalid', details, correlationId: 'corr-1' },
    });
    expect(respond(new NotFoundException('Run not found')).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Run not found',
      correlationId: 'corr-1',
    });
  });

  it('passes on a body parser\'s own 4xx', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true });
    expect(respond(tooLarge)).toEqual({
      status: 413,
      headers: {},
      body: { statusCode: 413, error: 'Payload Too Large', message: 'request entity too large', correlationId: 'corr-1' },
    });
  });

  it('turns anything else into a 500 that reveals nothing', () => {
    const { status, body } = respond(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'));

    expect(status).toBe(500);
    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Something went wrong on our side; quote the correlation id',
      correlationId: 'corr-1',
    });
  });

  describe('while Postgres is unreachable', () => {
    const unavailable = (correlationId = 'corr-1') => ({
      status: 503,
      headers: { 'Retry-After': '5' },
      body: { statusCode: 503, error: 'Service Unavailable', message: 'The database is unavailable; try again shortly', correlationId },
    });

    it('answers 503 with Retry-After when the pool cannot connect', () => {
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect', port: 5432 });
      expect(respond(refused)).toEqual(unavailable());
      expect(respond(new Error('timeout exceeded when trying to connect'))).toEqual(unavailable());
      expect(respond(new Error('Connection terminated unexpectedly'))).toEqual(unavailable());
    });

    it('answers 503 for a query TypeORM failed because the server shut down or is starting', () => {
      const shutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
      const starting = Object.assign(new Error('the database system is starting up'), { code: '57P03' });
      expect(respond(new QueryFailedError('SELECT 1', [], shutdown))).toEqual(unavailable());
      expect(respond(new QueryFailedError('SELECT 1', [], starting))).toEqual(unavailable());
      expect(respond(new Error('could not list runs', { cause: shutdown }))).toEqual(unavailable());
    });

    it('still answers 500 for a query that is wrong', () => {
      const undefinedColumn = Object.assign(new Error('column "nope" does not exist'), { code: '42703' });
      expect(respond(new QueryFailedError('SELECT nope', [], undefinedColumn))).toMatchObject({ status: 500, headers: {} });
    });
  });
});
