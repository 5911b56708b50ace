import type { ToolName } from '@flowmate/contracts';
import type { GuardedHttpClient } from '@flowmate/integrations';
import { createHttpRequestTool } from './http-request.tool';
import { renderText } from './text-render.tool';
import type { ToolExecutor } from './tool-executor';

export type { ToolCallContext, ToolExecutor } from './tool-executor';

export const createToolExecutors = ({ http }: { http: GuardedHttpClient }): Record<ToolName, ToolExecutor> => ({
  'http.request': createHttpRequestTool(http),
  'text.render': renderText,
});
