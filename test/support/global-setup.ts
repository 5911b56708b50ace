// Jest loads this file outside its module mapper, hence the path into libs/ instead of the alias.
import { SEARCH_ATTRIBUTES } from '../../libs/contracts/src/workflows';
import { startTemporalDevServer } from '../../scripts/dev-stack/temporal-server';

/** One Temporal dev server for the whole run, unless TEMPORAL_ADDRESS names one already running. */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEMPORAL_ADDRESS) return;
  const server = await startTemporalDevServer({
    searchAttributes: Object.values(SEARCH_ATTRIBUTES),
    log: (message) => process.stderr.write(`${message}\n`),
  });
  process.env.TEMPORAL_ADDRESS = server.address;
  (globalThis as { __temporalServer__?: typeof server }).__temporalServer__ = server;
}
