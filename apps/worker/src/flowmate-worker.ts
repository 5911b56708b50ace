import {
  armFailpoints,
  createApprovalActivities,
  createDelegationActivities,
  createLlmActivities,
  createMaintenanceActivities,
  createRunHistoryActivities,
  createScheduleActivities,
  createToolActivities,
  createToolExecutors,
  CredentialVault,
  HEARTBEAT_THROTTLE,
  HeldRunStarter,
  RunNotifier,
  SecretReader,
  type ModelAccess,
} from '@flowmate/activities';
import { temporalConnectionOptions, type AppConfig } from '@flowmate/config';
import { createDataConverter, CredentialCipher } from '@flowmate/crypto';
import {
  AgentsRepository,
  ApprovalsRepository,
  AuditEventsRepository,
  CircuitBreakersRepository,
  createDataSource,
  isDatabaseUnreachable,
  CredentialsRepository,
  NotificationTargetsRepository,
  RunHistoryRepository,
  RunsRepository,
  SchedulesRepository,
  SecretsRepository,
} from '@flowmate/db';
import { CircuitBreakers, createIntegrationTools, GuardedHttpClient, ModelGateway, OAuthProviders } from '@flowmate/integrations';
import type { WorkerMetrics } from '@flowmate/observability';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, TransportError, Worker } from '@temporalio/worker';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { hostname } from 'node:os';
import type { DataSource } from 'typeorm';
import type { WorkerReadiness } from './telemetry-server';
import { runLogAttributes } from './activity-log-attributes';
import { WORKFLOW_INTERCEPTOR_MODULES, workflowSource } from './workflow-bundle';

const READINESS_TIMEOUT_MS = 2_000;
/** Between connection attempts at start: 0.5 s, doubling, at most 10 s, until Postgres and Temporal answer. */
const CONNECT_BACKOFF = { initialDelay: 500, maxDelay: 10_000 };

/** A worker and what it holds open; `close` once `worker.run()` has returned. */
export interface FlowMateWorker {
  worker: Worker;
  /** Polling, and Postgres and Temporal answering within a couple of seconds. */
  readiness(): Promise<WorkerReadiness>;
  close(): Promise<void>;
}

/** Connects to Postgres and Temporal and builds the activities from those dependencies. */
export async function openFlowMateWorker(config: AppConfig, metrics: WorkerMetrics): Promise<FlowMateWorker> {
  const workflows = workflowSource({ env: config.env, workflowBundlePath: config.worker.workflowBundlePath });
  const failpoint = armFailpoints(config.worker.failpoints);
  const db = await createDataSource(config.database).initialize();
  const breakers = reportingBreakers(config, db);
  const models = modelAccess(config, breakers, metrics);
  const http = new GuardedHttpClient({ allowedHosts: config.tools.httpAllowedHosts });
  const cipher = new CredentialCipher(config.credentials);
  const credentials = {
    vault: new CredentialVault({ credentials: new CredentialsRepository(db), cipher, oauth: new OAuthProviders(config.integrations.oauth) }),
    secrets: new SecretReader(new SecretsRepository(db), cipher),
  };
  const closeDependencies = async (): Promise<void> => {
    await http.close();
    await db.destroy();
  };
  let connection: NativeConnection | undefined;
  // Starts the runs a closing run's agent held back, and deletes purged agents' schedules; connects on first use.
  const clientConnection = Connection.lazy(temporalConnectionOptions(config.temporal));
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter: createDataConverter(config.payloadKeys) });
  try {
    connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
    const history = new RunHistoryRepository(db);
    const runs = new RunsRepository(db);
    const agents = new AgentsRepository(db);
    const tools = createToolExecutors({ http, models, integrations: createIntegrationTools(config.integrations.endpoints, breakers) });
    const notifier = new RunNotifier({
      targets: new NotificationTargetsRepository(db),
      vault: credentials.vault,
      postToSlack: tools['slack.postMessage'],
      temporalUi: { url: config.temporal.uiUrl, namespace: config.temporal.namespace },
      warn: (message, facts) => Runtime.instance().logger.warn(message, facts),
    });
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      dataConverter: createDataConverter(config.payloadKeys),
      activities: {
        ...createRunHistoryActivities({
          history,
          notifier,
          heldRuns: new HeldRunStarter({ runs, agents, temporal: client, taskQueue: config.temporal.taskQueue }),
          metrics,
        }),
        ...createScheduleActivities({ agents, schedules: new SchedulesRepository(db), runs, history, taskQueue: config.temporal.taskQueue, metrics }),
        ...createMaintenanceActivities({ agents, runs, auditEvents: new AuditEventsRepository(db), temporal: client, retentionDays: config.worker.retentionDays }),
        ...createToolActivities({ history, tools, credentials, failpoint, metrics }),
        ...createLlmActivities({ history, models, previewBytes: config.api.outputPreviewBytes }),
        ...createDelegationActivities({ history, models }),
        ...createApprovalActivities({
          history,
          approvals: new ApprovalsRepository(db),
          secrets: credentials.secrets,
          onRequested: (call) => notifier.approvalRequested(call.runId, call),
        }),
      },
      ...workflows,
      // The workflow modules count only when bundling from source; the prebuilt bundle carries them.
      interceptors: { activity: [runLogAttributes], workflowModules: WORKFLOW_INTERCEPTOR_MODULES },
      shutdownGraceTime: `${config.worker.shutdownGraceSeconds} seconds`,
      maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
    });
    const opened = connection;
    return {
      worker,
      readiness: () => readinessOf(worker, db, client),
      close: async () => {
        await opened.close();
        await clientConnection.close();
        await closeDependencies();
      },
    };
  } catch (error) {
    await connection?.close();
    await clientConnection.close();
    await closeDependencies();
    throw error;
  }
}

export interface ConnectRetryOptions {
  /** Aborting stops the retries; the call then resolves `undefined`. */
  signal: AbortSignal;
  /** Each failed attempt, before the wait for the next. */
  onRetry(failure: { attempt: number; retryInMs: number; error: string }): void;
}

/**
 * `openFlowMateWorker`, tried again with backoff for as long as Postgres or Temporal cannot be reached (a
 * worker deployed before them, or while one restarts); any other error fails at once.
 */
export async function openFlowMateWorkerWhenReachable(config: AppConfig, metrics: WorkerMetrics, options: ConnectRetryOptions): Promise<FlowMateWorker | undefined> {
  const policy = retry(handleWhen(isUnreachable), { maxAttempts: Infinity, backoff: new ExponentialBackoff(CONNECT_BACKOFF) });
  const listener = policy.onRetry((event) => {
    if ('error' in event) options.onRetry({ attempt: event.attempt, retryInMs: Math.round(event.delay), error: event.error.message });
  });
  const stopped = new Promise<undefined>((resolve) => {
    if (options.signal.aborted) resolve(undefined);
    options.signal.addEventListener('abort', () => resolve(undefined), { once: true });
  });
  const opening = policy.execute(() => openFlowMateWorker(config, metrics), options.signal);
  try {
    const opened = await Promise.race([opening, stopped]);
    // Stopped while an attempt was under way: whatever it opens is closed again.
    if (!opened) void opening.then((late) => late.close(), () => undefined);
    return opened;
  } finally {
    listener.dispose();
  }
}

function isUnreachable(error: Error): boolean {
  return error instanceof TransportError || isDatabaseUnreachable(error);
}

/** This process's circuit breakers (model providers, integration hosts); transitions go to Postgres for the API to show. */
function reportingBreakers(config: AppConfig, db: DataSource): CircuitBreakers {
  const reports = new CircuitBreakersRepository(db);
  const workerId = `${hostname()}:${process.pid}`;
  return new CircuitBreakers(config.circuitBreaker, (report) => {
    reports.report(workerId, report).catch((error: Error) => {
      Runtime.instance().logger.warn('could not report a circuit breaker transition', { target: report.target, state: report.state, error: error.message });
    });
  });
}

function modelAccess(config: AppConfig, breakers: CircuitBreakers, metrics: WorkerMetrics): ModelAccess {
  const { providers, defaultChain, rateLimitWaitMs } = config.models;
  if (providers.length === 0) return { defaultChain };
  return { gateway: new ModelGateway({ providers, breakers, rateLimitWaitMs, onUsage: (usage) => metrics.tokensUsed(usage) }), defaultChain };
}

async function readinessOf(worker: Worker, db: DataSource, temporal: Client): Promise<WorkerReadiness> {
  const [postgres, reachable] = await Promise.all([
    answers(db.query('SELECT 1')),
    answers(temporal.withDeadline(Date.now() + READINESS_TIMEOUT_MS, () => temporal.workflowService.getSystemInfo({}))),
  ]);
  const state = worker.getState();
  return { status: state === 'RUNNING' && postgres && reachable ? 'ok' : 'unavailable', state, checks: { postgres, temporal: reachable } };
}

function answers(check: Promise<unknown>): Promise<boolean> {
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), READINESS_TIMEOUT_MS).unref());
  return Promise.race([check.then(() => true, () => false), timeout]);
}
