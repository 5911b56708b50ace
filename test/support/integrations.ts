import type { IntegrationToolName } from '@flowmate/contracts';
import { CircuitBreakers, createIntegrationTools, type IntegrationTools } from '@flowmate/integrations';

/** Integration tools for tests of other tools: built as the worker builds them, pointed at nothing. */
export function integrationsNotUsed(): IntegrationTools<IntegrationToolName> {
  const nowhere = 'http://127.0.0.1:9';
  return createIntegrationTools(
    { github: nowhere, google: nowhere, slack: nowhere, x: nowhere, instagram: nowhere },
    new CircuitBreakers({ failureThreshold: 5, windowMs: 60_000, coolDownMs: 30_000 }),
  );
}
