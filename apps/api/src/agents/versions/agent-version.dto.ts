import type { AgentDefinition } from '@flowmate/contracts';

export interface AgentVersionSummaryDto {
  version: number;
  createdAt: string;
  /** Who saved it; null once that user is gone. */
  createdBy: { id: string; email: string } | null;
  /** A restore: the version it copied. */
  restoredFrom: number | null;
  /** What it changed from the version before: micro agents added, removed and changed, other fields. */
  summary: string;
}

export interface AgentVersionDto extends AgentVersionSummaryDto {
  definition: AgentDefinition;
}

/** Where a version is read: runs link to the version they used. */
export const agentVersionPath = (agentId: string, version: number): string => `/api/v1/agents/${agentId}/versions/${version}`;
