import { AuditEventsRepository } from '@flowmate/db';
import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../auth/api-security';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { withCursorCheck } from '../common/invalid-cursor';
import { ApiPageResponse } from '../common/list-responses';
import type { PageDto } from '../common/page-query.dto';
import { ApiErrorResponses } from '../core/api-error-responses';
import { AuditEventDto, ListAuditQueryDto, toAuditEvent } from './audit.dto';

@ApiTags('audit')
@ApiSignedIn()
@Controller('audit')
export class AuditController {
  constructor(private readonly events: AuditEventsRepository) {}

  /** What was done to the caller's objects, by whom, newest first. */
  @Get()
  @ApiPageResponse(AuditEventDto)
  @ApiErrorResponses(HttpStatus.BAD_REQUEST)
  async list(@CurrentUser() user: AuthUser, @Query() query: ListAuditQueryDto): Promise<PageDto<AuditEventDto>> {
    const page = await withCursorCheck(() => this.events.listOwned(user.id, { objectId: query.objectId, action: query.action }, query));
    return { items: page.items.map(toAuditEvent), nextCursor: page.nextCursor };
  }
}
