import type { ValidationProblem } from '@flowmate/contracts/validation';

/** The one error shape of the API. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: ValidationProblem[];
  correlationId: string;
}
