import type { TextRenderArgs, TextRenderResult } from '@flowmate/contracts';
import Mustache from 'mustache';
import type { ToolExecutor } from './tool-executor';

/** Plain text, not HTML: nothing is escaped. */
const noEscape = (text: string): string => text;

export const renderText: ToolExecutor = async (args) => {
  const { template, data } = args as unknown as TextRenderArgs;
  return { text: Mustache.render(template, data ?? {}, {}, { escape: noEscape }) } satisfies TextRenderResult;
};
