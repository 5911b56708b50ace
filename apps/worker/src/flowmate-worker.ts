import { armFailpoints, createDelegationActivities, createLlmActivities, createRunHistoryActivities, createToolActivities, createToolExecutors } from '@flowmate/activities';
import type { AppConfig } from '@flowmate/config';
import { createDataConverter } from '@flowmate/crypto';
import { createDataSource, RunHistoryRepository } from '@flowmate/db';
import { createOpenAiClient, GuardedHttpClient } from '@flowmate/integrations';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workflowSource } from './workflow-bundle';

/** A worker and what it holds open; `close` once `worker.run()` has returned. */
export interface FlowMateWorker {
  worker: Worker;
  close(): Promise<void>;
}

/** Connects to Postgres and Temporal and builds the activities from those dependencies. */
export async function openFlowMateWorker(config: AppConfig): Promise<FlowMateWorker> {
  const workflows = workflowSource({ env: config.env, workflowBundlePath: config.worker.workflowBundlePath });
  const failpoint = armFailpoints(config.worker.failpoints);
  const model = {
    openai: config.llm.apiKey || config.llm.baseUrl ? createOpenAiClient(config.llm) : undefined,
    defaultModel: config.llm.defaultModel,
  };
  const db = await createDataSource(config.database).initialize();
  const http = new GuardedHttpClient({ allowedHosts: config.tools.httpAllowedHosts });
  const closeDependencies = async (): Promise<void> => {
    await http.close();
    await db.destroy();
  };
  let connection: NativeConnection | undefined;
  try {
    connection = await NativeConnection.connect({ address: config.temporal.address });
    const history = new RunHistoryRepository(db);
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      dataConverter: createDataConverter(),
      activities: {
        ...createRunHistoryActivities({ history }),
        ...createToolActivities({ history, tools: createToolExecutors({ http, model }), failpoint }),
        ...createLlmActivities({ history, ...model, previewBytes: config.api.outputPreviewBytes }),
        ...createDelegationActivities({ history, ...model }),
      },
      ...workflows,
      shutdownGraceTime: `${config.worker.shutdownGraceSeconds} seconds`,
    });
    const opened = connection;
    return {
      worker,
      close: async () => {
        await opened.close();
        await closeDependencies();
      },
    };
  } catch (error) {
    await connection?.close();
    await closeDependencies();
    throw error;
  }
}
