import { BadRequestException, Logger, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { HttpErrorFilter } from './http-error.filter';
import type { ErrorBody } from './error-body';

function respond(exception: unknown): { status: number; body: ErrorBody } {
  const sent = { status: 0, body: undefined as unknown as ErrorBody };
  const response = {
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
});
