import 'reflect-metadata';
import { loadConfig } from '@flowmate/config';
import { createDataSource } from '@flowmate/db';
import { NativeConnection, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { createFlowMateWorker } from './flowmate-worker';
import { temporalLoggerFrom } from './temporal-logger';

async function main(): Promise<void> {
  const config = loadConfig('worker');
  const log = pino({ name: 'worker', level: config.logLevel });
  Runtime.install({ logger: temporalLoggerFrom(log) });

  const db = await createDataSource({ url: config.database.url }).initialize();
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    const worker = await createFlowMateWorker({ config, db, connection });
    log.info({ taskQueue: config.temporal.taskQueue, temporal: config.temporal.address }, 'worker polling');
    // Resolves once a shutdown signal (SIGINT, SIGTERM) has drained in-flight tasks.
    await worker.run();
  } finally {
    await connection.close();
    await db.destroy();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`worker failed: ${error.message}\n`);
  process.exit(1);
});
