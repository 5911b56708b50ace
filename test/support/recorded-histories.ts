import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * With RECORD_HISTORIES=1, writes a history to test/histories/<name>.json, which the replay test then
 * holds every later version of the workflow code to. Without it, does nothing.
 */
export function recordHistory(name: string, history: temporal.api.history.v1.IHistory): void {
  if (!process.env.RECORD_HISTORIES) return;
  writeFileSync(join(__dirname, '..', 'histories', `${name}.json`), historyToJSON(history as temporal.api.history.v1.History));
}
