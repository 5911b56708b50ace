import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from './activities';
import { requiredEnv, runProcess } from '../bare-process';

/**
 * The bare Temporal worker as a process of its own, so its memory and CPU are read like FlowMate's worker.
 * Env: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE.
 */
async function main(): Promise<void> {
  const connection = await NativeConnection.connect({ address: requiredEnv('TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: requiredEnv('TEMPORAL_TASK_QUEUE'),
    workflowsPath: require.resolve('./workflows'),
    activities,
  });
  process.once('SIGTERM', () => worker.shutdown());
  await worker.run();
  await connection.close();
}

runProcess(main);
