import type { PayloadKeys } from '@flowmate/config';
import { createDataConverter } from '@flowmate/crypto';
import type { temporal } from '@temporalio/proto';
import { decodeOptionalSingle } from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers';

type Payload = temporal.api.common.v1.IPayload;

const isPayload = (value: unknown): value is Payload =>
  typeof value === 'object' && value !== null && 'metadata' in value && 'data' in value && (value as Payload).data instanceof Uint8Array;

export function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (isPayload(value)) found.push(value);
  else if (Array.isArray(value)) value.forEach((item) => payloadsIn(item, found));
  else if (typeof value === 'object' && value !== null) Object.values(value).forEach((item) => payloadsIn(item, found));
  return found;
}

/** Every payload of a history, decoded the way FlowMate's own connections decode them: what Temporal holds. */
export async function decodedPayloads(history: temporal.api.history.v1.IHistory, keys: PayloadKeys): Promise<unknown[]> {
  const converter = loadDataConverter(createDataConverter(keys));
  return Promise.all(
    payloadsIn(history).map(async (payload) => {
      const decoded = await decodeOptionalSingle(converter.payloadCodecs, payload);
      return decoded ? converter.payloadConverter.fromPayload(decoded) : undefined;
    }),
  );
}
