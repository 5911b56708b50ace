import type { PayloadKeys } from '@flowmate/config';
import { PayloadCipherCodec } from '@flowmate/crypto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { payloadsIn } from './history-payloads';

/**
 * With RECORD_HISTORIES=1, writes a history to test/histories/<name>.json, which the replay test then
 * holds every later version of the workflow code to. Its payloads are written decrypted, so the file
 * replays without the test's throwaway keys. Without RECORD_HISTORIES, does nothing.
 */
export async function recordHistory(name: string, history: temporal.api.history.v1.IHistory, keys: PayloadKeys): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const codec = new PayloadCipherCodec(keys);
  for (const payload of payloadsIn(history)) Object.assign(payload, (await codec.decode([payload]))[0]);
  writeFileSync(join(__dirname, '..', 'histories', `${name}.json`), historyToJSON(history as temporal.api.history.v1.History));
}
