import type { ToolName } from '@flowmate/contracts';
import type { GuardedHttpClient } from '@flowmate/integrations';
import { createHttpRequestTool } from './http-request.tool';
import { createLlmGenerateTool, type ModelAccess } from './llm-generate.tool';
import { renderText } from './text-render.tool';
import type { ToolExecutor } from './tool-executor';

export type { ToolCallContext, ToolExecutor } from './tool-executor';

export type { ModelAccess } from './llm-generate.tool';

export const createToolExecutors = ({ http, model = {} }: { http: GuardedHttpClient; model?: ModelAccess }): Record<ToolName, ToolExecutor> => ({
  'http.request': createHttpRequestTool(http),
  'text.render': renderText,
  'llm.generate': createLlmGenerateTool(model),
});
