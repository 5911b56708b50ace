import { AgentRunEntity } from './agent-run.entity';
import { AgentEntity } from './agent.entity';
import { CircuitBreakerEntity } from './circuit-breaker.entity';
import { MagicLinkEntity } from './magic-link.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RunStepEntity } from './run-step.entity';
import { UserEntity } from './user.entity';

export { AgentEntity, AgentRunEntity, CircuitBreakerEntity, MagicLinkEntity, RefreshTokenEntity, RunStepEntity, UserEntity };
export type { RunStepKind, StoredModelCall } from './run-step.entity';
export type { LinkedAgent } from './agent-run.entity';

export const ENTITIES = [UserEntity, MagicLinkEntity, RefreshTokenEntity, AgentEntity, AgentRunEntity, RunStepEntity, CircuitBreakerEntity];
