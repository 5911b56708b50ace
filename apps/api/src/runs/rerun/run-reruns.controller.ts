import { Body, Controller, Headers, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../../auth/api-security';
import { CurrentUser, type AuthUser } from '../../auth/auth-user';
import { ApiErrorResponses } from '../../core/api-error-responses';
import { RunStartedDto } from '../dto/run.dto';
import { RunsService } from '../runs.service';
import { RerunRunDto } from './rerun-run.dto';
import { StartsRuns } from '../../rate-limits/rate-limited';

@ApiTags('runs')
@ApiSignedIn()
@Controller()
export class RunRerunsController {
  constructor(private readonly runs: RunsService) {}

  @StartsRuns()
  @Post('runs/:id/rerun')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key, same run' })
  @ApiAcceptedResponse({ type: RunStartedDto, description: 'The new run, queued and started' })
  @ApiErrorResponses(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND, HttpStatus.CONFLICT, HttpStatus.UNPROCESSABLE_ENTITY, HttpStatus.SERVICE_UNAVAILABLE)
  rerun(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RerunRunDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<RunStartedDto> {
    return this.runs.rerun(user, id, dto, idempotencyKey);
  }
}
