import 'reflect-metadata';
import { loadConfig } from '@flowmate/config';
import { Runtime } from '@temporalio/worker';
import pino from 'pino';
import { openFlowMateWorker } from './flowmate-worker';
import { temporalLoggerFrom } from './temporal-logger';

async function main(): Promise<void> {
  const config = loadConfig('worker');
  const log = pino({ name: 'worker', level: config.logLevel });
  Runtime.install({ logger: temporalLoggerFrom(log) });

  const { worker, close } = await openFlowMateWorker(config);
  try {
    log.info({ taskQueue: config.temporal.taskQueue, temporal: config.temporal.address }, 'worker polling');
    // Resolves once a shutdown signal (SIGINT, SIGTERM) has drained in-flight tasks.
    await worker.run();
  } finally {
    await close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`worker failed: ${error.message}\n`);
  process.exit(1);
});
