import { Controller, Get, Headers, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiNoContentResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import type { Response } from 'express';
import { CurrentUser, type AuthUser } from '../../auth/auth-user';
import { RunEventsService } from './run-events.service';
import { EVENT_ID } from './run-events.stream';

export class RunEventsQueryDto {
  @ApiPropertyOptional({ description: 'Resume after this event id, for clients that cannot send the Last-Event-ID header' })
  @IsOptional()
  @Matches(EVENT_ID, { message: 'must be the id of an event of this stream' })
  lastEventId?: string;

  @ApiPropertyOptional({ description: "An access token, for browsers' EventSource, which cannot send headers. Accepted on this route only." })
  @IsOptional()
  @IsString()
  access_token?: string;
}

@ApiTags('runs')
@ApiBearerAuth()
@Controller()
export class RunEventsController {
  constructor(private readonly events: RunEventsService) {}

  @Get('runs/:id/events')
  @ApiOperation({ summary: "The run's events as Server-Sent Events; ends after the run's final event (run.finished)" })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id' })
  @ApiNoContentResponse({ description: 'The client already has the final event: EventSource stops reconnecting' })
  stream(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: RunEventsQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    return this.events.stream(user, id, lastEventId ?? query.lastEventId, response);
  }
}
