import { AuditEventsRepository } from '@flowmate/db';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { withCursorCheck } from '../common/invalid-cursor';
import type { PageDto } from '../common/page-query.dto';
import { ListAuditQueryDto, toAuditEvent, type AuditEventDto } from './audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly events: AuditEventsRepository) {}

  /** What was done to the caller's objects, by whom, newest first. */
  @Get()
  async list(@CurrentUser() user: AuthUser, @Query() query: ListAuditQueryDto): Promise<PageDto<AuditEventDto>> {
    const page = await withCursorCheck(() => this.events.listOwned(user.id, { objectId: query.objectId, action: query.action }, query));
    return { items: page.items.map(toAuditEvent), nextCursor: page.nextCursor };
  }
}
