import type { ToolName } from '@flowmate/contracts';
import type { GuardedHttpClient } from '@flowmate/integrations';
import { createHttpRequestTool } from './http-request.tool';
import type { ModelAccess } from '../model-answer';
import { createLlmGenerateTool } from './llm-generate.tool';
import { renderText } from './text-render.tool';
import type { ToolExecutor } from './tool-executor';

export type { ToolCallContext, ToolExecutor } from './tool-executor';


export const createToolExecutors = ({ http, models }: { http: GuardedHttpClient; models: ModelAccess }): Record<ToolName, ToolExecutor> => ({
  'http.request': createHttpRequestTool(http),
  'text.render': renderText,
  'llm.generate': createLlmGenerateTool(models),
});
