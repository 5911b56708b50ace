import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../auth/api-security';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { ApiPageResponse } from '../common/list-responses';
import type { PageDto } from '../common/page-query.dto';
import { ApiErrorResponses } from '../core/api-error-responses';
import { StartsRuns } from '../rate-limits/rate-limited';
import { CancelRequestedDto, DelegateTaskDto, ListRunsQueryDto, RunDto, RunStartedDto, RunSummaryDto, StartRunDto, StepOutputDto } from './dto/run.dto';
import type { CancelRequested } from './run-canceller';
import { RunsService } from './runs.service';

@ApiTags('runs')
@ApiSignedIn()
@ApiErrorResponses(HttpStatus.BAD_REQUEST)
@Controller()
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @StartsRuns()
  @Post('agents/:id/run')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key, same run' })
  @ApiAcceptedResponse({ type: RunStartedDto, description: 'Queued, and started unless the agent’s concurrency policy holds it' })
  @ApiErrorResponses(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT, HttpStatus.UNPROCESSABLE_ENTITY, HttpStatus.SERVICE_UNAVAILABLE)
  start(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) agentId: string,
    @Body() dto: StartRunDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<RunStartedDto> {
    return this.runs.start(user, agentId, dto, idempotencyKey);
  }

  @StartsRuns()
  @Post('agents/delegate/task')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key, same run' })
  @ApiAcceptedResponse({ type: RunStartedDto, description: 'The main agent’s run, queued and started' })
  @ApiErrorResponses(HttpStatus.NOT_FOUND, HttpStatus.UNPROCESSABLE_ENTITY, HttpStatus.SERVICE_UNAVAILABLE)
  delegate(@CurrentUser() user: AuthUser, @Body() dto: DelegateTaskDto, @Headers('idempotency-key') idempotencyKey?: string): Promise<RunStartedDto> {
    return this.runs.delegate(user, dto, idempotencyKey);
  }

  @Get('runs')
  @ApiPageResponse(RunSummaryDto)
  list(@CurrentUser() user: AuthUser, @Query() query: ListRunsQueryDto): Promise<PageDto<RunSummaryDto>> {
    return this.runs.list(user, query);
  }

  @Get('runs/:id')
  @ApiOkResponse({ type: RunDto })
  @ApiErrorResponses(HttpStatus.NOT_FOUND)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<RunDto> {
    return this.runs.get(user, id);
  }

  @Post('runs/:id/cancel')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: CancelRequestedDto, description: 'No tool call starts after this answer; the run ends `cancelled`' })
  @ApiErrorResponses(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  cancel(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<CancelRequested> {
    return this.runs.cancel(user, id);
  }

  @Get('runs/:id/steps/:stepKey/output')
  @ApiParam({ name: 'stepKey', description: 'A micro agent key, or `<microAgentKey>/<stepId>` URL-encoded (`collect%2Fprs`)' })
  @ApiOkResponse({ type: StepOutputDto })
  @ApiErrorResponses(HttpStatus.NOT_FOUND)
  stepOutput(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Param('stepKey') stepKey: string): Promise<StepOutputDto> {
    return this.runs.stepOutput(user, id, stepKey);
  }
}
