import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import type { PageDto } from '../common/page-query.dto';
import { DelegateTaskDto, ListRunsQueryDto, StartRunDto, type RunDto, type RunStartedDto, type RunSummaryDto, type StepOutputDto } from './dto/run.dto';
import type { CancelRequested } from './run-canceller';
import { RunsService } from './runs.service';
import { StartsRuns } from '../rate-limits/rate-limited';

@ApiTags('runs')
@ApiBearerAuth()
@Controller()
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @StartsRuns()
  @Post('agents/:id/run')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key, same run' })
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
  delegate(@CurrentUser() user: AuthUser, @Body() dto: DelegateTaskDto, @Headers('idempotency-key') idempotencyKey?: string): Promise<RunStartedDto> {
    return this.runs.delegate(user, dto, idempotencyKey);
  }

  @Get('runs')
  list(@CurrentUser() user: AuthUser, @Query() query: ListRunsQueryDto): Promise<PageDto<RunSummaryDto>> {
    return this.runs.list(user, query);
  }

  @Get('runs/:id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<RunDto> {
    return this.runs.get(user, id);
  }

  @Post('runs/:id/cancel')
  @HttpCode(HttpStatus.ACCEPTED)
  cancel(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<CancelRequested> {
    return this.runs.cancel(user, id);
  }

  @Get('runs/:id/steps/:stepKey/output')
  @ApiParam({ name: 'stepKey', description: 'A micro agent key, or `<microAgentKey>/<stepId>` URL-encoded (`collect%2Fprs`)' })
  stepOutput(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Param('stepKey') stepKey: string): Promise<StepOutputDto> {
    return this.runs.stepOutput(user, id, stepKey);
  }
}
