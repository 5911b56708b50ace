import type { AppConfig } from '@flowmate/config';
import { SchedulesRepository, type StoredSchedule } from '@flowmate/db';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig } from '../core/app-config.provider';
import { cronTimes } from './cron';
import { driftOf, scheduleOptionsOf } from './schedule-options';
import { TemporalSchedules } from './temporal-schedules';

/** How far ahead a cron schedule's fire times are compared with Temporal's, and how many of them. */
const CRON_CHECK = { windowMs: 7 * 24 * 3600 * 1000, times: 20 };
/** A pass that could not finish is tried again this soon rather than after the whole interval. */
const RETRY_AFTER_FAILURE_MS = 10_000;

export interface ReconcileReport {
  created: string[];
  updated: Array<{ agentId: string; drift: string[] }>;
  deleted: string[];
  /** Agents whose schedule could not be put in step this pass; the next pass tries again. */
  failed: string[];
}

/**
 * Keeps Temporal's Schedules in step with the schedules Postgres stores, at startup and then every
 * `SCHEDULE_RECONCILE_INTERVAL_SECONDS`: a missing one is recreated, a drifted one rewritten, an orphan
 * (its agent or schedule deleted while Temporal was unreachable) deleted, and each change logged. The
 * installation's maintenance schedule is created here too.
 * Every step is idempotent, so API replicas reconciling at once agree.
 */
@Injectable()
export class ScheduleReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScheduleReconciler.name);
  private timer?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private pass?: Promise<unknown>;
  /** Set at shutdown: a pass under way stops at its next step instead of holding the shutdown up. */
  private stopping = false;
  /** Aborts the Temporal calls of a pass under way at shutdown. */
  private readonly shutdown = new AbortController();

  constructor(
    private readonly schedules: SchedulesRepository,
    private readonly temporal: TemporalSchedules,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: a Temporal that is down must not hold the API's start.
    this.runPass();
    const intervalMs = this.config.api.scheduleReconcileIntervalSeconds * 1000;
    if (intervalMs > 0) this.timer = setInterval(() => this.runPass(), intervalMs).unref();
  }

  /**
   * Before the Temporal connection closes (in `onApplicationShutdown`): a pass under way has its calls
   * aborted and is awaited, so none of its retries outlives the connection and fails on a closed channel.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    clearTimeout(this.retry);
    this.shutdown.abort();
    await this.pass;
  }

  async reconcile(): Promise<ReconcileReport> {
    const report: ReconcileReport = { created: [], updated: [], deleted: [], failed: [] };
    if (await this.temporal.ensureMaintenance()) this.logger.log('created the maintenance schedule (the trash’s hourly purge)');
    const stored = new Set<string>();
    for await (const schedule of this.schedules.all()) {
      if (this.stopping) return report;
      stored.add(schedule.agentId);
      // One schedule Temporal refuses (say, one deleted an instant ago) must not leave the others out of step.
      await this.reconcileOne(schedule, report).catch((error: Error) => {
        report.failed.push(schedule.agentId);
        this.logger.warn({ err: error, agentId: schedule.agentId }, 'could not put a Temporal Schedule in step; the next pass tries again');
      });
    }
    for await (const agentId of this.temporal.installed()) {
      if (this.stopping) return report;
      // Re-read: a schedule saved since the pass began is in Temporal before it is in Postgres.
      if (stored.has(agentId) || (await this.schedules.findByAgent(agentId))) continue;
      if (await this.temporal.remove(agentId)) {
        report.deleted.push(agentId);
        this.logger.warn({ agentId }, 'deleted a Temporal Schedule FlowMate no longer stores');
      }
    }
    return report;
  }

  private runPass(): void {
    if (this.pass) return;
    this.pass = this.temporal
      .cancelledBy(this.shutdown.signal, () => this.reconcile())
      .then(({ failed }) => failed.length === 0)
      .catch((error: Error) => {
        // A pass cut off by the shutdown (its connections closing) has nothing to report.
        if (!this.stopping) this.logger.warn({ err: error }, 'schedule reconciliation failed; the next pass tries again');
        return false;
      })
      .then((complete) => {
        this.pass = undefined;
        if (!complete && !this.stopping) this.retry = setTimeout(() => this.runPass(), RETRY_AFTER_FAILURE_MS).unref();
      });
  }

  private async reconcileOne(schedule: StoredSchedule, report: ReconcileReport): Promise<void> {
    const { agentId } = schedule;
    const actual = await this.temporal.describe(agentId);
    if (!actual) {
      await this.temporal.apply(schedule);
      report.created.push(agentId);
      this.logger.warn({ agentId }, 'recreated a Temporal Schedule that was missing');
      return;
    }
    const drift = driftOf(actual, schedule, scheduleOptionsOf(schedule, this.config.temporal.taskQueue));
    if (drift.length === 0 && (await this.cronDrifted(schedule))) drift.push('cron');
    if (drift.length === 0) return;
    await this.temporal.apply(schedule);
    report.updated.push({ agentId, drift });
    this.logger.warn({ agentId, drift }, 'rewrote a Temporal Schedule that had drifted from FlowMate’s');
  }

  /** Whether Temporal's next fire times differ from the stored cron's (each may be later by up to the jitter). */
  private async cronDrifted({ agentId, spec }: StoredSchedule): Promise<boolean> {
    if (spec.cron === undefined) return false;
    const window = { from: new Date(), to: new Date(Date.now() + CRON_CHECK.windowMs) };
    const actual = (await this.temporal.matchingTimes(agentId, window)).slice(0, CRON_CHECK.times);
    const wanted = cronTimes(spec.cron, spec.timezone, window, CRON_CHECK.times);
    const jitterMs = spec.jitterSeconds * 1000;
    return actual.length !== wanted.length || actual.some((time, index) => !withinJitter(time.getTime() - wanted[index].getTime(), jitterMs));
  }
}

const withinJitter = (lateByMs: number, jitterMs: number): boolean => lateByMs >= 0 && lateByMs <= jitterMs;
