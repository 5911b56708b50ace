import type { AgentDefinition } from '@flowmate/contracts';
import type { AgentEntity } from '@flowmate/db';

export type AgentResponseDto = AgentDefinition & {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Only on an agent in the trash. */
  deletedAt?: string;
};

export const toAgentResponse = (agent: AgentEntity): AgentResponseDto => ({
  id: agent.id,
  version: agent.version,
  ...agent.definition,
  createdAt: agent.createdAt.toISOString(),
  updatedAt: agent.updatedAt.toISOString(),
  ...(agent.deletedAt ? { deletedAt: agent.deletedAt.toISOString() } : {}),
});
