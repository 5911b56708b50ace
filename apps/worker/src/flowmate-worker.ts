import { createRunHistoryActivities, createToolActivities, createToolExecutors } from '@flowmate/activities';
import type { AppConfig } from '@flowmate/config';
import { RunHistoryRepository } from '@flowmate/db';
import { GuardedHttpClient } from '@flowmate/integrations';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { PREBUILT_BUNDLE_PATH, prebuiltBundleExists, WORKFLOW_BUNDLER_OPTIONS, WORKFLOWS_PATH } from './workflow-bundle';

export interface WorkerDependencies {
  config: AppConfig;
  db: DataSource;
  connection: NativeConnection;
}

export function createActivities(config: AppConfig, db: DataSource) {
  const history = new RunHistoryRepository(db);
  const http = new GuardedHttpClient({ allowedHosts: config.tools.httpAllowedHosts });
  return {
    ...createRunHistoryActivities({ history }),
    ...createToolActivities({ history, tools: createToolExecutors({ http }) }),
  };
}

/** The prebuilt bundle in production; bundling from source when running from the TypeScript tree. */
function workflowSource(config: AppConfig): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> {
  const bundlePath = config.worker.workflowBundlePath ?? PREBUILT_BUNDLE_PATH;
  if (prebuiltBundleExists(bundlePath)) return { workflowBundle: { codePath: bundlePath } };
  return { workflowsPath: WORKFLOWS_PATH, bundlerOptions: WORKFLOW_BUNDLER_OPTIONS };
}

export function createFlowMateWorker({ config, db, connection }: WorkerDependencies): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities(config, db),
    ...workflowSource(config),
  });
}
