import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Moves a failure's message and stack trace into a payload, which the payload codec then encrypts:
 * errors often quote the data they failed on. Loaded by path, so the workflow sandbox runs it too.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
