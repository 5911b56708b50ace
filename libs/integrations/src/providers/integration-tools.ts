import { INTEGRATION_TOOLS, type IntegrationToolName } from '@flowmate/contracts';
import type { CircuitBreakers } from '../circuit-breakers/circuit-breakers';
import { createGitHubTools } from './github/github.tools';
import { createGoogleTools } from './google/google.tools';
import { createInstagramTools } from './instagram/instagram.tools';
import type { IntegrationEndpoints, IntegrationTool, IntegrationTools } from './integration-tool';
import { createSlackTools } from './slack/slack.tools';
import { createXTools } from './x/x.tools';

/** The breaker target of an API base URL: its host (`api.github.com`). */
export const apiHostTarget = (apiUrl: string): string => new URL(apiUrl).host;

/** Every integration tool, each provider's calls behind the circuit breaker of its API host. */
export function createIntegrationTools(endpoints: IntegrationEndpoints, breakers: CircuitBreakers): IntegrationTools<IntegrationToolName> {
  const tools: IntegrationTools<IntegrationToolName> = {
    ...createGitHubTools({ apiUrl: endpoints.github }),
    ...createGoogleTools({ apiUrl: endpoints.google }),
    ...createSlackTools({ apiUrl: endpoints.slack }),
    ...createXTools({ apiUrl: endpoints.x }),
    ...createInstagramTools({ apiUrl: endpoints.instagram }),
  };
  const guarded = (name: IntegrationToolName, tool: IntegrationTool): IntegrationTool => {
    const breaker = breakers.for(apiHostTarget(endpoints[INTEGRATION_TOOLS[name].provider]));
    return (args, call) => breaker.execute(() => tool(args, call), call.signal);
  };
  return Object.fromEntries(Object.entries(tools).map(([name, tool]) => [name, guarded(name as IntegrationToolName, tool)])) as IntegrationTools<IntegrationToolName>;
}
