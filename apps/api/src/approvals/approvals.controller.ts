import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import type { PageDto } from '../common/page-query.dto';
import { ApprovalsService } from './approvals.service';
import { DecideApprovalDto, ListApprovalsQueryDto, type ApprovalDto } from './dto/approval.dto';

@ApiTags('approvals')
@ApiBearerAuth()
@Controller()
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Get('approvals')
  list(@CurrentUser() user: AuthUser, @Query() query: ListApprovalsQueryDto): Promise<PageDto<ApprovalDto>> {
    return this.approvals.list(user, query);
  }

  @Post('runs/:id/approvals/:approvalId')
  @HttpCode(HttpStatus.OK)
  decide(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) runId: string,
    @Param('approvalId', ParseUUIDPipe) approvalId: string,
    @Body() dto: DecideApprovalDto,
  ): Promise<ApprovalDto> {
    return this.approvals.decide(user, runId, approvalId, dto);
  }
}
