import { AUDIT_ACTIONS, type AuditAction, type AuditObjectType, type JsonObject } from '@flowmate/contracts';
import type { StoredAuditEvent } from '@flowmate/db';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
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

export interface AuditEventDto {
  id: string;
  occurredAt: string;
  action: AuditAction;
  objectType: AuditObjectType;
  objectId: string;
  /** Who acted: a user id, or null when FlowMate did (a purge, a timed-out approval). */
  actorUserId: string | null;
  /** The personal API key the user acted through; null for a sign-in session. */
  actorApiKeyId: string | null;
  correlationId: string | null;
  clientIp: string | null;
  details: JsonObject;
}

export const toAuditEvent = (event: StoredAuditEvent): AuditEventDto => ({ ...event, occurredAt: event.occurredAt.toISOString() });
