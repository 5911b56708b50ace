import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../auth/api-security';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { ApiPageResponse } from '../common/list-responses';
import type { PageDto } from '../common/page-query.dto';
import { ApiErrorResponses } from '../core/api-error-responses';
import { ApprovalsService } from './approvals.service';
import { ApprovalDto, DecideApprovalDto, ListApprovalsQueryDto } from './dto/approval.dto';

@ApiTags('approvals')
@ApiSignedIn()
@ApiErrorResponses(HttpStatus.BAD_REQUEST)
@Controller()
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Get('approvals')
  @ApiPageResponse(ApprovalDto)
  list(@CurrentUser() user: AuthUser, @Query() query: ListApprovalsQueryDto): Promise<PageDto<ApprovalDto>> {
    return this.approvals.list(user, query);
  }

  @Post('runs/:id/approvals/:approvalId')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ApprovalDto, description: 'The approval as decided' })
  @ApiErrorResponses(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  decide(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) runId: string,
    @Param('approvalId', ParseUUIDPipe) approvalId: string,
    @Body() dto: DecideApprovalDto,
  ): Promise<ApprovalDto> {
    return this.approvals.decide(user, runId, approvalId, dto);
  }
}
