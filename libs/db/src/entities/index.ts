import { ApiKeyEntity } from './api-key.entity';
import { AgentRunEntity } from './agent-run.entity';
import { AgentVersionEntity } from './agent-version.entity';
import { ApprovalEntity } from './approval.entity';
import { AgentEntity } from './agent.entity';
import { CircuitBreakerEntity } from './circuit-breaker.entity';
import { IntegrationCredentialEntity } from './integration-credential.entity';
import { MagicLinkEntity } from './magic-link.entity';
import { OAuthStateEntity } from './oauth-state.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RunStepEntity } from './run-step.entity';
import { UserSecretEntity } from './user-secret.entity';
import { UserEntity } from './user.entity';

export { AgentEntity, AgentRunEntity, ApiKeyEntity, AgentVersionEntity, ApprovalEntity, CircuitBreakerEntity, IntegrationCredentialEntity, OAuthStateEntity, UserSecretEntity, MagicLinkEntity, RefreshTokenEntity, RunStepEntity, UserEntity };
export type { ReusedFrom, RunStepKind, StoredModelCall } from './run-step.entity';
export type { LinkedAgent } from './agent-run.entity';

export const ENTITIES = [UserEntity, MagicLinkEntity, RefreshTokenEntity, AgentEntity, AgentRunEntity, RunStepEntity, CircuitBreakerEntity, IntegrationCredentialEntity, UserSecretEntity, OAuthStateEntity, AgentVersionEntity, ApprovalEntity, ApiKeyEntity];
