import { FAILURE_TYPES, type TextRenderArgs, type TextRenderResult } from '@flowmate/contracts';
import { ApplicationFailure } from '@temporalio/common';
import Mustache from 'mustache';
import type { ToolExecutor } from './tool-executor';

/** Plain text, not HTML: nothing is escaped. */
const noEscape = (text: string): string => text;

/**
 * A writer per call: Mustache's shared writer caches every template it parses, and resolved templates
 * differ from run to run, so a long-lived worker would grow without bound.
 */
export const renderText: ToolExecutor = async (args) => {
  const { template, data } = args as unknown as TextRenderArgs;
  try {
    return { text: new Mustache.Writer().render(template, data ?? {}, {}, { escape: noEscape }) } satisfies TextRenderResult;
  } catch (error) {
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.invalidToolArguments,
      message: `text.render template is not valid Mustache: ${(error as Error).message}`,
      nonRetryable: true,
    });
  }
};
