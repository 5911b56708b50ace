import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../auth/api-security';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { ApiErrorResponses } from '../core/api-error-responses';
import { StartsRuns } from '../rate-limits/rate-limited';
import { BackfillScheduleDto, PutScheduleDto, ScheduleDto, ScheduleFiredDto, ScheduleQueryDto } from './dto/schedule.dto';
import { SchedulesService } from './schedules.service';

/** Every route reads the agent (404, or 409 in the trash) and Temporal's Schedule (503 while Temporal is unreachable). */
@ApiTags('schedules')
@ApiSignedIn()
@ApiErrorResponses(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND, HttpStatus.CONFLICT, HttpStatus.SERVICE_UNAVAILABLE)
@Controller('agents/:id/schedule')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Put()
  @ApiOkResponse({ type: ScheduleDto, description: 'The schedule, created or replaced' })
  put(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string, @Body() dto: PutScheduleDto): Promise<ScheduleDto> {
    return this.schedules.put(user, agentId, dto);
  }

  @Get()
  @ApiOkResponse({ type: ScheduleDto })
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string, @Query() query: ScheduleQueryDto): Promise<ScheduleDto> {
    return this.schedules.get(user, agentId, query);
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The schedule is gone; the agent stays' })
  delete(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string): Promise<void> {
    return this.schedules.delete(user, agentId);
  }

  @StartsRuns()
  @Post('trigger')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: ScheduleFiredDto, description: 'Fired once now, under the schedule’s overlap policy' })
  trigger(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string): Promise<ScheduleFiredDto> {
    return this.schedules.trigger(user, agentId);
  }

  @StartsRuns()
  @Post('backfill')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: ScheduleFiredDto, description: 'Each fire time of the window started as its own run' })
  backfill(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string, @Body() dto: BackfillScheduleDto): Promise<ScheduleFiredDto> {
    return this.schedules.backfill(user, agentId, dto);
  }
}
