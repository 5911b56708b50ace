import type { PayloadKeys } from '@flowmate/config';
import type { DataConverter } from '@temporalio/common';
import { PayloadCipherCodec } from './payload-cipher-codec';

/** For `bundleWorkflowCode`: a prebuilt workflow bundle must carry the failure converter itself. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The data converter of every Temporal connection FlowMate makes: the API's client, the worker, replay
 * and the tests that read histories. Payloads (inputs, results, memos, heartbeat details) are encrypted,
 * and so are failures' messages and stack traces.
 */
export function createDataConverter(keys: PayloadKeys): DataConverter {
  return { payloadCodecs: [new PayloadCipherCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
