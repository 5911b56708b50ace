import 'reflect-metadata';
import { loadConfig } from '@flowmate/config';
import { WorkerMetrics } from '@flowmate/observability';
import { Runtime } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { freePort } from '../../../scripts/dev-stack/ports';
import { openFlowMateWorkerWhenReachable, type FlowMateWorker } from './flowmate-worker';
import { serveWorkerTelemetry, type WorkerReadiness } from './telemetry-server';
import { temporalLoggerFrom } from './temporal-logger';
import { createWorkerLogger } from './worker-logger';

const NOT_CONNECTED: WorkerReadiness = { status: 'unavailable', state: 'STARTING', checks: { postgres: false, temporal: false } };

/** Resolves `true` when a signal stopped it before it could connect. */
async function main(): Promise<boolean> {
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
  // Until it polls there is nothing to drain: SIGINT/SIGTERM stop the connection retries at once.
  const starting = new AbortController();
  const stopStarting = (): void => starting.abort();
  process.once('SIGINT', stopStarting).once('SIGTERM', stopStarting);
  try {
    try {
      opened = await openFlowMateWorkerWhenReachable(config, new WorkerMetrics(registry), {
        signal: starting.signal,
        onRetry: (failure) => log.warn(failure, 'worker could not connect; retrying'),
      });
    } finally {
      process.off('SIGINT', stopStarting).off('SIGTERM', stopStarting);
    }
    if (!opened) {
      log.info('worker stopped before it could connect');
      return true;
    }
    try {
      log.info({ taskQueue: config.temporal.taskQueue, temporal: config.temporal.address, telemetry: telemetry.url }, 'worker polling');
      // Resolves once a shutdown signal (SIGINT, SIGTERM) has drained in-flight tasks.
      await opened.worker.run();
    } finally {
      await opened.close();
    }
    return false;
  } finally {
    await telemetry.close();
  }
}

main().then(
  // A connection attempt a signal cut short may still hold the event loop open: do not wait for it.
  (stoppedWhileStarting) => stoppedWhileStarting && process.exit(0),
  (error: Error) => {
    process.stderr.write(`worker failed: ${error.message}\n`);
    process.exit(1);
  },
);
