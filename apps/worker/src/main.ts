import 'reflect-metadata';
import { loadConfig } from '@flowmate/config';
import { WorkerMetrics } from '@flowmate/observability';
import { Runtime } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { freePort } from '../../../scripts/dev-stack/ports';
import { openFlowMateWorker, type FlowMateWorker } from './flowmate-worker';
import { serveWorkerTelemetry, type WorkerReadiness } from './telemetry-server';
import { temporalLoggerFrom } from './temporal-logger';
import { createWorkerLogger } from './worker-logger';

const NOT_CONNECTED: WorkerReadiness = { status: 'unavailable', state: 'STARTING', checks: { postgres: false, temporal: false } };

async function main(): Promise<void> {
  const config = loadConfig('worker');
  const log = createWorkerLogger(config);
  // The SDK's exporter stays on loopback: the telemetry server serves its text behind the metrics token.
  const runtimeMetricsAddress = `127.0.0.1:${await freePort()}`;
  Runtime.install({
    logger: temporalLoggerFrom(log),
    telemetryOptions: { metrics: { prometheus: { bindAddress: runtimeMetricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } } },
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  let opened: FlowMateWorker | undefined;
  const telemetry = await serveWorkerTelemetry({
    host: config.api.host,
    port: config.metrics.workerPort,
    metricsToken: config.metrics.token,
    registry,
    runtimeMetricsUrl: `http://${runtimeMetricsAddress}/metrics`,
    readiness: async () => (opened ? opened.readiness() : NOT_CONNECTED),
  });
  try {
    opened = await openFlowMateWorker(config, new WorkerMetrics(registry));
    try {
      log.info({ taskQueue: config.temporal.taskQueue, temporal: config.temporal.address, telemetry: telemetry.url }, 'worker polling');
      // Resolves once a shutdown signal (SIGINT, SIGTERM) has drained in-flight tasks.
      await opened.worker.run();
    } finally {
      await opened.close();
    }
  } finally {
    await telemetry.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`worker failed: ${error.message}\n`);
  process.exit(1);
});
