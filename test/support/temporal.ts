import { createDataConverter } from '@flowmate/crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOW_BUNDLER_OPTIONS, WORKFLOWS_PATH } from '../../apps/worker/src/workflow-bundle';
import { TEST_PAYLOAD_KEYS } from './key-settings';

/** The dev server the global setup started (or TEMPORAL_ADDRESS), for tests that talk to Temporal. */
export function temporalAddress(): string {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set; the jest global setup starts a dev server');
  return address;
}

export async function connectTemporal(): Promise<{ client: Client; workerConnection: NativeConnection; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: temporalAddress() });
  const workerConnection = await NativeConnection.connect({ address: temporalAddress() });
  return {
    client: new Client({ connection, dataConverter: createDataConverter(TEST_PAYLOAD_KEYS) }),
    workerConnection,
    close: async () => {
      await connection.close();
      await workerConnection.close();
    },
  };
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundles the workflow code once per test file; Worker.create would redo it for every worker. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger, ...WORKFLOW_BUNDLER_OPTIONS });
  return bundle;
}

const noop = (): void => undefined;
/** The bundler's logger, errors only. */
export const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
