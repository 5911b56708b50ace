import type { IntegrationToolName, ToolName } from '@flowmate/contracts';
import type { GuardedHttpClient, IntegrationTool, IntegrationTools } from '@flowmate/integrations';
import type { ModelAccess } from '../model-answer';
import { createHttpRequestTool } from './http-request.tool';
import { createLlmGenerateTool } from './llm-generate.tool';
import { renderText } from './text-render.tool';
import type { ToolExecutor } from './tool-executor';

export type { ToolCallContext, ToolExecutor } from './tool-executor';

/** An integration tool as the tool activity calls it, with the connection the activity resolved. */
const withConnection =
  (tool: IntegrationTool): ToolExecutor =>
  (args, { connection, signal, idempotencyKey }) => {
    if (!connection) throw new Error('an integration tool was called without a connection');
    return tool(args, { ...connection, signal, idempotencyKey });
  };

export const createToolExecutors = ({
  http,
  models,
  integrations,
}: {
  http: GuardedHttpClient;
  models: ModelAccess;
  integrations: IntegrationTools<IntegrationToolName>;
}): Record<ToolName, ToolExecutor> => ({
  ...(Object.fromEntries(Object.entries(integrations).map(([name, tool]) => [name, withConnection(tool)])) as Record<IntegrationToolName, ToolExecutor>),
  'http.request': createHttpRequestTool(http),
  'text.render': renderText,
  'llm.generate': createLlmGenerateTool(models),
});
