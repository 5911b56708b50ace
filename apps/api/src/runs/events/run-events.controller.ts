import { FINAL_RUN_EVENT, RUN_EVENT_TYPES } from '@flowmate/contracts';
import { Controller, Get, Headers, HttpStatus, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import type { Response } from 'express';
import { ApiSignedIn } from '../../auth/api-security';
import { CurrentUser, type AuthUser } from '../../auth/auth-user';
import { ApiErrorResponses } from '../../core/api-error-responses';
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
@ApiSignedIn()
@Controller()
export class RunEventsController {
  constructor(private readonly events: RunEventsService) {}

  @Get('runs/:id/events')
  @ApiOperation({ summary: "The run's events as Server-Sent Events; ends after the run's final event (run.finished)" })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id' })
  @ApiOkResponse({
    description: `Records of \`id\`, \`event\` (one of ${RUN_EVENT_TYPES.join(', ')}) and \`data\` (its fields as JSON), until ${FINAL_RUN_EVENT}`,
    content: { 'text/event-stream': { schema: { type: 'string' }, example: 'id: 12\nevent: run.finished\ndata: {"status":"succeeded","error":null}\n\n' } },
  })
  @ApiNoContentResponse({ description: 'The client already has the final event: EventSource stops reconnecting' })
  @ApiErrorResponses(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
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
