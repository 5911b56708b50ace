import type { TemporalDevServer } from '../../scripts/dev-stack/temporal-server';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __temporalServer__?: TemporalDevServer }).__temporalServer__?.stop();
}
