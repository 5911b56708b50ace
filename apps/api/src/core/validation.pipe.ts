import { flattenValidationErrors } from '@flowmate/contracts/validation';
import { BadRequestException, ValidationPipe } from '@nestjs/common';

/** Unknown fields are refused, and every problem is listed by path. */
export const createValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => new BadRequestException({ message: 'Request validation failed', details: flattenValidationErrors(errors) }),
  });
