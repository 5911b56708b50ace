import type { RunStatus, RunTrigger, ScheduledRunOpened } from '@flowmate/contracts';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Seconds from a run's request to its end: a no-op agent to an hour-long one. */
const RUN_DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

export type ToolCallOutcome = 'succeeded' | 'failed';

export type ScheduleFireOutcome = ScheduledRunOpened['outcome'];

/**
 * What the worker sees of runs, counted where each event happens once: a run's start and end are
 * counted when its row changes state (a retried activity finds it changed and counts nothing), a tool
 * call per attempt, so retries show.
 */
export class WorkerMetrics {
  private readonly runsStarted: Counter<'trigger'>;
  private readonly runsFinished: Counter<'status' | 'trigger'>;
  private readonly runDuration: Histogram<'status' | 'trigger'>;
  private readonly toolCalls: Counter<'tool' | 'outcome' | 'retry'>;
  private readonly llmTokens: Counter<'provider' | 'model' | 'kind'>;
  private readonly scheduleFires: Counter<'outcome'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.runsStarted = new Counter({ name: 'flowmate_runs_started_total', help: 'Runs that began running, by trigger', labelNames: ['trigger'], registers });
    this.runsFinished = new Counter({ name: 'flowmate_runs_finished_total', help: 'Runs that ended, by status and trigger', labelNames: ['status', 'trigger'], registers });
    this.runDuration = new Histogram({
      name: 'flowmate_run_duration_seconds',
      help: 'Time from a run being requested to its end',
      labelNames: ['status', 'trigger'],
      buckets: RUN_DURATION_BUCKETS,
      registers,
    });
    this.toolCalls = new Counter({
      name: 'flowmate_tool_calls_total',
      help: 'Tool call attempts by tool and outcome; retry="true" for the second attempt on',
      labelNames: ['tool', 'outcome', 'retry'],
      registers,
    });
    this.llmTokens = new Counter({ name: 'flowmate_llm_tokens_total', help: 'Model tokens used, by provider, model and kind (prompt, completion)', labelNames: ['provider', 'model', 'kind'], registers });
    this.scheduleFires = new Counter({ name: 'flowmate_schedule_fires_total', help: 'Schedule fires by what they did with their run', labelNames: ['outcome'], registers });
  }

  runStarted(trigger: RunTrigger): void {
    this.runsStarted.inc({ trigger });
  }

  runFinished(run: { status: RunStatus; trigger: RunTrigger; seconds: number }): void {
    const labels = { status: run.status, trigger: run.trigger };
    this.runsFinished.inc(labels);
    this.runDuration.observe(labels, run.seconds);
  }

  toolCalled(call: { tool: string; outcome: ToolCallOutcome; attempt: number }): void {
    this.toolCalls.inc({ tool: call.tool, outcome: call.outcome, retry: String(call.attempt > 1) });
  }

  tokensUsed(usage: { provider: string; model: string; promptTokens: number; completionTokens: number }): void {
    const model = { provider: usage.provider, model: usage.model };
    this.llmTokens.inc({ ...model, kind: 'prompt' }, usage.promptTokens);
    this.llmTokens.inc({ ...model, kind: 'completion' }, usage.completionTokens);
  }

  scheduleFired(outcome: ScheduleFireOutcome): void {
    this.scheduleFires.inc({ outcome });
  }
}
