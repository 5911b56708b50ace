import type { ValidationProblem } from '@flowmate/contracts/validation';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ValidationProblemDto implements ValidationProblem {
  @ApiProperty({ example: 'microAgents[0].steps[1].tool' }) path!: string;
  @ApiProperty({ example: 'must be one of the tools of GET /tools' }) message!: string;
}

/** The one error shape of the API. */
export class ErrorBody {
  @ApiProperty({ example: 404 }) statusCode!: number;
  @ApiProperty({ description: 'The reason phrase of the status', example: 'Not Found' }) error!: string;
  @ApiProperty({ example: 'Agent not found' }) message!: string;
  @ApiPropertyOptional({ type: [ValidationProblemDto], description: 'Every problem of an invalid request (400), by path' }) details?: ValidationProblem[];
  @ApiProperty({ description: 'Also the X-Correlation-ID response header; quote it when reporting a problem', example: '5f0c9b1e-2f4e-4d6a-9a47-0c3e8f1d2b7a' })
  correlationId!: string;
}
