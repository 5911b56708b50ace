import { APPROVAL_STATUSES, APPROVAL_TIMEOUT_OUTCOMES, TOOL_NAMES, type ApprovalDecision, type ApprovalStatus, type ApprovalTimeoutOutcome, type JsonValue, type ToolName } from '@flowmate/contracts';
import { stepIdOf, type ApprovalEntity } from '@flowmate/db';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { JSON_VALUE_SCHEMA } from '../../common/json-value.schema';
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

export class ApprovalDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ example: 'post' }) microAgentKey!: string;
  @ApiProperty({ example: 'send' }) stepId!: string;
  @ApiProperty({ enum: TOOL_NAMES, example: 'slack.postMessage' }) tool!: ToolName;
  @ApiProperty({ ...JSON_VALUE_SCHEMA, nullable: true, description: 'As the call would be made, each secret shown as its `{{secrets.<name>}}`' })
  args!: JsonValue | null;
  @ApiProperty({ enum: APPROVAL_STATUSES }) status!: ApprovalStatus;
  @ApiProperty({ enum: APPROVAL_TIMEOUT_OUTCOMES, description: 'What happens when nobody decides before `expiresAt`' }) onTimeout!: ApprovalTimeoutOutcome;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The user who decided; null while pending and when the timeout decided (`timedOut`)' })
  decidedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
  @ApiProperty() timedOut!: boolean;
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
