import type { DataConverter } from '@temporalio/common';

/**
 * The data converter of every Temporal connection FlowMate makes: the API's client, the worker, replay
 * and the tests that read histories. Payloads are plain JSON today; the payload codec (encryption) is
 * added here, and only here, so nothing else changes when it arrives.
 */
export function createDataConverter(): DataConverter {
  return { payloadCodecs: [] };
}
