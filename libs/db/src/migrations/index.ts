import { InitialSchema1763740000000 } from './1763740000000-initial-schema';
import { RunRequestFingerprint1763750000000 } from './1763750000000-run-request-fingerprint';
import { OutputsStoredOnce1763760000000 } from './1763760000000-outputs-stored-once';
import { LlmSteps1763770000000 } from './1763770000000-llm-steps';
import { DelegatedRuns1763780000000 } from './1763780000000-delegated-runs';
import { ModelCalls1763790000000 } from './1763790000000-model-calls';
import { Integrations1763800000000 } from './1763800000000-integrations';
import { RunControl1763810000000 } from './1763810000000-run-control';
import { WebhookDeliveries1763820000000 } from './1763820000000-webhook-deliveries';
import { Schedules1763830000000 } from './1763830000000-schedules';
import { AgentsAsAProduct1763840000000 } from './1763840000000-agents-as-a-product';
import { AuditLog1763850000000 } from './1763850000000-audit-log';
import { Retention1763860000000 } from './1763860000000-retention';
import { Identity1763870000000 } from './1763870000000-identity';
import { RateLimits1763880000000 } from './1763880000000-rate-limits';
import { RunStartOutbox1763890000000 } from './1763890000000-run-start-outbox';

export const MIGRATIONS = [InitialSchema1763740000000, RunRequestFingerprint1763750000000, OutputsStoredOnce1763760000000, LlmSteps1763770000000, DelegatedRuns1763780000000, ModelCalls1763790000000, Integrations1763800000000, RunControl1763810000000, WebhookDeliveries1763820000000, Schedules1763830000000, AgentsAsAProduct1763840000000, AuditLog1763850000000, Retention1763860000000, Identity1763870000000, RateLimits1763880000000, RunStartOutbox1763890000000];
