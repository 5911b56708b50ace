import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { BackfillScheduleDto, PutScheduleDto, ScheduleQueryDto, type ScheduleDto, type ScheduleFiredDto } from './dto/schedule.dto';
import { SchedulesService } from './schedules.service';
import { StartsRuns } from '../rate-limits/rate-limited';

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('agents/:id/schedule')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Put()
  put(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string, @Body() dto: PutScheduleDto): Promise<ScheduleDto> {
    return this.schedules.put(user, agentId, dto);
  }

  @Get()
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string, @Query() query: ScheduleQueryDto): Promise<ScheduleDto> {
    return this.schedules.get(user, agentId, query);
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  delete(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string): Promise<void> {
    return this.schedules.delete(user, agentId);
  }

  @StartsRuns()
  @Post('trigger')
  @HttpCode(HttpStatus.ACCEPTED)
  trigger(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string): Promise<ScheduleFiredDto> {
    return this.schedules.trigger(user, agentId);
  }

  @StartsRuns()
  @Post('backfill')
  @HttpCode(HttpStatus.ACCEPTED)
  backfill(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string, @Body() dto: BackfillScheduleDto): Promise<ScheduleFiredDto> {
    return this.schedules.backfill(user, agentId, dto);
  }
}
