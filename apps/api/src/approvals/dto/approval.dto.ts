import { APPROVAL_STATUSES, type ApprovalDecision, type ApprovalStatus, type ApprovalTimeoutOutcome, type JsonValue, type ToolName } from '@flowmate/contracts';
import { stepIdOf, type ApprovalEntity } from '@flowmate/db';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';

const DECISIONS: ApprovalDecision[] = ['approve', 'reject'];
const COMMENT_LENGTH = 1000;

export class DecideApprovalDto {
  @ApiProperty({ enum: DECISIONS })
  @IsIn(DECISIONS)
  decision!: ApprovalDecision;

  @ApiPropertyOptional({ maxLength: COMMENT_LENGTH, description: 'Kept with the decision; in LLM mode a rejection tells the model why' })
  @IsOptional()
  @IsString()
  @MaxLength(COMMENT_LENGTH)
  comment?: string;
}

export class ListApprovalsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: APPROVAL_STATUSES })
  @IsOptional()
  @IsIn(APPROVAL_STATUSES)
  status?: ApprovalStatus;
}

export interface ApprovalDto {
  id: string;
  runId: string;
  microAgentKey: string;
  stepId: string;
  tool: ToolName;
  /** As the call would be made, each secret shown as its `{{secrets.<name>}}`. */
  args: JsonValue | null;
  status: ApprovalStatus;
  onTimeout: ApprovalTimeoutOutcome;
  expiresAt: string;
  requestedAt: string;
  /** The user who decided; null while pending and when the timeout decided (`timedOut`). */
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  timedOut: boolean;
}

export const toApprovalDto = (approval: ApprovalEntity): ApprovalDto => ({
  id: approval.id,
  runId: approval.runId,
  microAgentKey: approval.microAgentKey,
  stepId: stepIdOf(approval.stepKey, approval.microAgentKey),
  tool: approval.tool,
  args: approval.args,
  status: approval.status,
  onTimeout: approval.onTimeout,
  expiresAt: approval.expiresAt.toISOString(),
  requestedAt: approval.createdAt.toISOString(),
  decidedBy: approval.decidedBy,
  decidedAt: approval.decidedAt?.toISOString() ?? null,
  comment: approval.comment,
  timedOut: approval.timedOut,
});
