import { AUDIT_ACTIONS, AUDIT_OBJECT_TYPES, type AuditAction, type AuditObjectType, type JsonObject } from '@flowmate/contracts';
import type { StoredAuditEvent } from '@flowmate/db';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { JSON_OBJECT_SCHEMA } from '../common/json-value.schema';
import { PageQueryDto } from '../common/page-query.dto';

export class ListAuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only the events of this object (an agent, run, approval id; a provider; a secret name)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  objectId?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;
}

export class AuditEventDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action!: AuditAction;
  @ApiProperty({ enum: AUDIT_OBJECT_TYPES }) objectType!: AuditObjectType;
  @ApiProperty({ description: 'An agent, run, approval id; a provider; a secret name' }) objectId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who acted: a user id, or null when FlowMate did (a purge, a timed-out approval)' })
  actorUserId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The personal API key the user acted through; null for a sign-in session' })
  actorApiKeyId!: string | null;
  @ApiProperty({ type: String, nullable: true }) correlationId!: string | null;
  @ApiProperty({ type: String, nullable: true }) clientIp!: string | null;
  @ApiProperty(JSON_OBJECT_SCHEMA) details!: JsonObject;
}

export const toAuditEvent = (event: StoredAuditEvent): AuditEventDto => ({ ...event, occurredAt: event.occurredAt.toISOString() });
