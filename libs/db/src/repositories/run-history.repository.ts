import { FAILURE_TYPES, isJsonObject, RUN_EVENTS_CHANNEL, type RunEventData, siblingKey, type JsonObject, type ModelCallRecord, type JsonValue, type RunError, type RunStatus, type RunTrigger, type StepStatus, type TemplateContext, type ToolName } from '@flowmate/contracts';
import type { DataSource } from 'typeorm';
import type { ReusedFrom } from '../entities';
import { appendRunEvent, eventPreview, RUN_EVENT_TURN } from './run-events';
import { updateReturning } from './update-returning';

export interface ToolStepRef {
  runId: string;
  microAgentKey: string;
  stepId: string;
  position: number;
  tool: ToolName;
}

/** A model call of an LLM micro agent: recorded like a tool call, with no tool. */
export interface ModelStepRef {
  runId: string;
  microAgentKey: string;
  stepId: string;
  position: number;
  /** `plan`: a delegated run's choice of micro agents, by a model or by keywords. */
  kind: 'llm' | 'plan';
}

export type StepRef = ToolStepRef | ModelStepRef;

/** A run this call closed: how it was started and how long it took from its request to now. */
export interface ClosedRun {
  trigger: RunTrigger;
  seconds: number;
}

/** A tool call a model asked for, planned as a step: accepted with its arguments, or refused with why. */
export interface PlannedToolCall {
  stepId: string;
  position: number;
  toolCallId: string;
  /** Null when the model named no tool this micro agent has. */
  tool: ToolName | null;
  args?: JsonValue;
  refused?: RunError;
}

/** A step of an LLM micro agent's transcript, outputs cut to the preview size. */
export interface TranscriptRow {
  stepKey: string;
  kind: 'llm' | 'tool';
  status: StepStatus;
  input: JsonValue | null;
  output: JsonValue | null;
  error: RunError | null;
  toolCallId: string | null;
  tool: ToolName | null;
  tokens: number | null;
  finishReason: string | null;
}

/** A step of a micro agent as the definition lists it, before it runs. */
export interface PlannedStep {
  id: string;
  position: number;
  tool: ToolName;
}

/** What an attempt's model calls add to its step's row: tokens are added up over attempts, calls appended. */
export interface ModelCallFacts {
  tokens?: number;
  finishReason?: string;
  /** Each call of the attempt's fallback chain, in order. */
  modelCalls?: readonly ModelCallRecord[];
}

/** Whether this attempt may call the tool; when not, what an earlier attempt stored, if it succeeded. */
export type StepAttemptStart = { started: true } | { started: false; succeeded?: { outputBytes: number }; cancelling?: boolean };

export interface TemplateNeeds {
  agentKeys: string[];
  stepIds: string[];
}

/** Step keys: `<microAgentKey>` for a micro agent's row, `<microAgentKey>/<stepId>` for a tool call's. */
export const toolStepKey = (microAgentKey: string, stepId: string): string => `${microAgentKey}/${stepId}`;
export const stepIdOf = (stepKey: string, microAgentKey: string): string => stepKey.slice(microAgentKey.length + 1);

/**
 * What the worker writes while a run executes. Every write is an idempotent upsert keyed by
 * (run_id, step_key), so a retried activity never adds a row. Raw SQL on purpose, and the only raw SQL
 * of the data layer: set-based upserts (`ON CONFLICT … WHERE`, `jsonb_to_recordset`, aggregates) that the
 * query builder cannot say; step keys are still made only by `toolStepKey`.
 */
export class RunHistoryRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * A run the API gave up starting (StartFailed) is running after all when its workflow reports in:
   * Temporal may have accepted a start whose answer never came back.
   */
  /** The run's trigger when this call started it; null when it was already running (a retried activity). */
  async markRunStarted(runId: string, microAgentKeys: readonly string[]): Promise<RunTrigger | null> {
    return this.db.transaction(async (tx) => {
      const started = await updateReturning<{ trigger: RunTrigger }>(
        tx,
        `UPDATE agent_runs SET status = 'running', held_by = NULL, error = NULL, finished_at = NULL, started_at = COALESCE(started_at, now())
          WHERE id = $1 AND (status = 'queued' OR (status = 'failed' AND error->>'type' = $2))
          RETURNING trigger`,
        [runId, FAILURE_TYPES.startFailed],
      );
      await tx.query(
        `INSERT INTO run_steps (run_id, step_key, micro_agent_key, kind, position, status)
         SELECT $1, key, key, 'micro_agent', position - 1, 'pending'
           FROM unnest($2::text[]) WITH ORDINALITY AS agent(key, position)
         ON CONFLICT (run_id, step_key) DO NOTHING`,
        [runId, microAgentKeys],
      );
      if (started.length === 0) return null;
      await appendRunEvent(tx, runId, 'run.started', { status: 'running' });
      return started[0].trigger;
    });
  }

  /**
   * Closes the run, once: null when it was already closed. What never started is skipped; what was still
   * running when the run was cancelled or timed out is cancelled, and so are approvals still pending. The
   * run's output is not copied here: it is read from its micro agents.
   */
  async markRunFinished(runId: string, status: RunStatus, error: RunError | null): Promise<ClosedRun | null> {
    return this.db.transaction(async (tx) => {
      const closed = await updateReturning<{ step_key: string; kind: string; tool: ToolName | null; attempts: number; status: StepStatus }>(
        tx,
        `UPDATE run_steps SET status = CASE status WHEN 'pending' THEN 'skipped' ELSE 'cancelled' END,
                finished_at = CASE WHEN status = 'pending' THEN finished_at ELSE now() END
          WHERE run_id = $1 AND status IN ('pending', 'running', 'waiting_approval')
          RETURNING step_key, kind, tool, attempts, status`,
        [runId],
      );
      await tx.query(`UPDATE approvals SET status = 'cancelled', decided_at = now() WHERE run_id = $1 AND status = 'pending'`, [runId]);
      const [finished] = await updateReturning<ClosedRun>(
        tx,
        `UPDATE agent_runs SET status = $2, error = $3, finished_at = COALESCE(finished_at, now())
          WHERE id = $1 AND status IN ('queued', 'running', 'waiting_approval')
          RETURNING trigger, EXTRACT(EPOCH FROM finished_at - created_at)::float8 AS seconds`,
        [runId, status, error],
      );
      if (!finished) return null;
      // A call under way when the run was cancelled may record its own end a moment later; the stream, which
      // ends at run.finished, hears it here.
      for (const row of closed) {
        if (row.kind === 'micro_agent') await appendRunEvent(tx, runId, 'micro_agent.finished', { key: row.step_key, status: row.status, error: null });
        else if (row.status === 'cancelled') {
          await appendRunEvent(tx, runId, 'step.finished', { stepKey: row.step_key, kind: row.kind, tool: row.tool, status: row.status, attempt: row.attempts, error: null });
        }
      }
      await appendRunEvent(tx, runId, 'run.finished', { status, error });
      return finished;
    });
  }

  async markMicroAgentStarted(runId: string, key: string, workflowId: string, steps: readonly PlannedStep[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      // A micro agent that continued as new starts again: only its first start is an event.
      const started = await updateReturning(
        tx,
        `UPDATE run_steps SET status = 'running', workflow_id = $3, started_at = COALESCE(started_at, now())
          WHERE run_id = $1 AND step_key = $2 AND kind = 'micro_agent' AND status = 'pending'
          RETURNING 1`,
        [runId, key, workflowId],
      );
      const rows = steps.map((step) => ({ key: toolStepKey(key, step.id), position: step.position, tool: step.tool }));
      await tx.query(
        `INSERT INTO run_steps (run_id, step_key, micro_agent_key, kind, position, tool, status)
         SELECT $1, step.key, $2, 'tool', step.position, step.tool, 'pending'
           FROM jsonb_to_recordset($3::jsonb) AS step(key text, position int, tool text)
         ON CONFLICT (run_id, step_key) DO NOTHING`,
        [runId, key, JSON.stringify(rows)],
      );
      if (started.length > 0) await appendRunEvent(tx, runId, 'micro_agent.started', { key });
    });
  }

  /** A succeeded micro agent's output is its last step's output, referred to, not copied. */
  async markMicroAgentFinished(runId: string, key: string, status: StepStatus, error: RunError | null, lastStepId?: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE run_steps SET status = 'skipped' WHERE run_id = $1 AND micro_agent_key = $2 AND kind = 'tool' AND status = 'pending'`,
        [runId, key],
      );
      // Once closed (here, or cancelled with its run) a micro agent stays as it was closed.
      const finished = await updateReturning(
        tx,
        `UPDATE run_steps SET status = $3, error = $4, finished_at = now(), output_step_key = $5
          WHERE run_id = $1 AND step_key = $2 AND kind = 'micro_agent' AND status IN ('pending', 'running', 'waiting_approval')
          RETURNING 1`,
        [runId, key, status, error, lastStepId ? toolStepKey(key, lastStepId) : null],
      );
      if (finished.length > 0) await appendRunEvent(tx, runId, 'micro_agent.finished', { key, status, error });
    });
  }

  /**
   * A rerun's micro agent takes what the run it reruns recorded instead of running: its row becomes
   * `reused`, and the source's step rows are copied (outputs included, so templates, previews and whole
   * outputs read them like this run's own) as `reused`, each pointing at the row first recorded (a reused
   * source is followed back to it). False when the source has no succeeded (or reused) row for the key.
   * A retry finds the row already closed and changes nothing.
   */
  async reuseMicroAgent(runId: string, key: string, sourceRunId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [target] = (await tx.query(`SELECT status FROM run_steps WHERE run_id = $1 AND step_key = $2 AND kind = 'micro_agent' FOR UPDATE`, [
        runId,
        key,
      ])) as Array<{ status: StepStatus }>;
      if (target && target.status !== 'pending') return true;
      const [reused] = await updateReturning<{ reused_from: ReusedFrom }>(
        tx,
        `UPDATE run_steps AS target
            SET status = 'reused', output_step_key = source.output_step_key, started_at = now(), finished_at = now(),
                reused_from = COALESCE(source.reused_from, jsonb_build_object('runId', source.run_id, 'stepKey', source.step_key))
           FROM run_steps AS source
          WHERE target.run_id = $1 AND target.step_key = $2 AND target.kind = 'micro_agent'
            AND source.run_id = $3 AND source.step_key = $2 AND source.kind = 'micro_agent' AND source.status IN ('succeeded', 'reused')
          RETURNING target.reused_from`,
        [runId, key, sourceRunId],
      );
      if (!reused) return false;
      await tx.query(
        `INSERT INTO run_steps (run_id, step_key, micro_agent_key, kind, position, tool, status, attempts, input, output, output_bytes, error,
                                tool_call_id, tokens, finish_reason, model_calls, reused_from, started_at, finished_at)
         SELECT $1, step_key, micro_agent_key, kind, position, tool, 'reused', attempts, input, output, output_bytes, error,
                tool_call_id, tokens, finish_reason, model_calls,
                COALESCE(reused_from, jsonb_build_object('runId', run_id, 'stepKey', step_key)), started_at, finished_at
           FROM run_steps WHERE run_id = $2 AND micro_agent_key = $3 AND kind <> 'micro_agent'
         ON CONFLICT (run_id, step_key) DO NOTHING`,
        [runId, sourceRunId, key],
      );
      await appendRunEvent(tx, runId, 'micro_agent.reused', { key, from: reused.reused_from });
      return true;
    });
  }

  /**
   * Marks the step running for this attempt. An earlier attempt that already succeeded changes nothing and
   * its result comes back, so the tool is not called again (that attempt's worker may have died between
   * storing the result and reporting it to Temporal); so does a later attempt that already started, which
   * makes this one a superseded attempt that must not call the tool either.
   */
  async startStepAttempt(step: StepRef, attempt: number): Promise<StepAttemptStart> {
    if (await this.upsertStep(step, { status: 'running', attempts: attempt, error: null, finished: false })) return { started: true };
    const [stored] = (await this.db.query(
      `SELECT step.status, step.output_bytes, run.cancel_requested_at IS NOT NULL AS cancelling
         FROM agent_runs AS run LEFT JOIN run_steps AS step ON step.run_id = run.id AND step.step_key = $2
        WHERE run.id = $1`,
      [step.runId, toolStepKey(step.microAgentKey, step.stepId)],
    )) as Array<{ status: StepStatus | null; output_bytes: number | null; cancelling: boolean }>;
    if (stored?.status === 'succeeded') return { started: false, succeeded: { outputBytes: stored.output_bytes ?? 0 } };
    return { started: false, cancelling: stored?.cancelling ?? false };
  }

  async markStepSucceeded(step: StepRef, attempt: number, input: JsonValue, output: JsonValue, model?: ModelCallFacts): Promise<void> {
    await this.upsertStep(step, { status: 'succeeded', attempts: attempt, input, output, error: null, finished: true, ...model });
  }

  async markStepFailed(step: StepRef, attempt: number, error: RunError, input?: JsonValue, model?: ModelCallFacts): Promise<void> {
    await this.upsertStep(step, { status: 'failed', attempts: attempt, input, error, finished: true, ...model });
  }

  async markStepCancelled(step: StepRef, attempt: number, input?: JsonValue): Promise<void> {
    await this.upsertStep(step, { status: 'cancelled', attempts: attempt, input, error: null, finished: true });
  }

  /** Records the tool calls a model asked for before any runs: accepted ones pending with their arguments, refused ones failed. */
  async planModelToolCalls(runId: string, microAgentKey: string, calls: readonly PlannedToolCall[]): Promise<void> {
    const rows = calls.map((call) => ({
      key: toolStepKey(microAgentKey, call.stepId),
      position: call.position,
      tool: call.tool,
      tool_call_id: call.toolCallId,
      status: call.refused ? 'failed' : 'pending',
      input: call.args === undefined ? null : storable(call.args),
      error: call.refused ?? null,
    }));
    await this.db.query(
      `INSERT INTO run_steps (run_id, step_key, micro_agent_key, kind, position, tool, tool_call_id, status, input, error, finished_at)
       SELECT $1, call.key, $2, 'tool', call.position, call.tool, call.tool_call_id, call.status, call.input, call.error,
              CASE WHEN call.status = 'failed' THEN now() END
         FROM jsonb_to_recordset($3::jsonb) AS call(key text, position int, tool text, tool_call_id text, status text, input jsonb, error jsonb)
       ON CONFLICT (run_id, step_key) DO NOTHING`,
      [runId, microAgentKey, JSON.stringify(rows)],
    );
  }

  /** The arguments stored with a step when the model asked for it. */
  async loadPlannedArgs(step: ToolStepRef): Promise<JsonValue> {
    const [row] = (await this.db.query(`SELECT input FROM run_steps WHERE run_id = $1 AND step_key = $2`, [
      step.runId,
      toolStepKey(step.microAgentKey, step.stepId),
    ])) as Array<{ input: JsonValue }>;
    if (!row) throw new Error(`step ${toolStepKey(step.microAgentKey, step.stepId)} of run ${step.runId} was never planned`);
    return row.input;
  }

  /** An LLM micro agent's model and tool steps in order, outputs cut to `previewBytes` of their JSON. */
  async loadTranscript(runId: string, microAgentKey: string, previewBytes: number): Promise<TranscriptRow[]> {
    const rows = (await this.db.query(
      `SELECT step_key, kind, status, input, error, tool_call_id, tool, tokens, finish_reason,
              CASE WHEN output_bytes > $3 THEN to_jsonb(left(output::text, $3)) ELSE output END AS output
         FROM run_steps WHERE run_id = $1 AND micro_agent_key = $2 AND kind IN ('llm', 'tool') ORDER BY position`,
      [runId, microAgentKey, previewBytes],
    )) as Array<{
      step_key: string; kind: 'llm' | 'tool'; status: StepStatus; input: JsonValue | null; output: JsonValue | null; error: RunError | null;
      tool_call_id: string | null; tool: ToolName | null; tokens: number | null; finish_reason: string | null;
    }>;
    return rows.map((row) => ({
      stepKey: row.step_key,
      kind: row.kind,
      status: row.status,
      input: row.input,
      output: row.output,
      error: row.error,
      toolCallId: row.tool_call_id,
      tool: row.tool,
      tokens: row.tokens,
      finishReason: row.finish_reason,
    }));
  }

  /** Links a delegated run to the agents (and versions) its plan uses. */
  async linkAgents(runId: string, agents: ReadonlyArray<{ id: string; version: number; ref: string }>): Promise<void> {
    await this.db.query(`UPDATE agent_runs SET agents = $2 WHERE id = $1`, [runId, JSON.stringify(agents)]);
  }

  /** Adds fields to a run's input; those the caller gave win. */
  async addRunInput(runId: string, fields: JsonObject): Promise<void> {
    await this.db.query(`UPDATE agent_runs SET input = $2::jsonb || input WHERE id = $1`, [runId, JSON.stringify(storable(fields))]);
  }

  /** Whose run it is: integration tools call with that user's connections and secrets. */
  async runOwner(runId: string): Promise<string> {
    const [row] = (await this.db.query(`SELECT user_id FROM agent_runs WHERE id = $1`, [runId])) as Array<{ user_id: string }>;
    if (!row) throw new Error(`run ${runId} does not exist`);
    return row.user_id;
  }

  /** A delegated run's plan, as its plan step stored it. */
  async loadPlan(runId: string): Promise<JsonValue> {
    const [row] = (await this.db.query(`SELECT output FROM run_steps WHERE run_id = $1 AND kind = 'plan' AND status = 'succeeded'`, [runId])) as Array<{
      output: JsonValue;
    }>;
    if (!row) throw new Error(`run ${runId} has no plan`);
    return row.output;
  }

  /** Tokens every model call of the run has used so far, failed attempts and llm.generate steps included; a rerun's reused rows spent theirs in their own run. */
  async tokensUsed(runId: string): Promise<number> {
    const [row] = (await this.db.query(`SELECT COALESCE(SUM(tokens), 0)::int AS used FROM run_steps WHERE run_id = $1 AND status <> 'reused'`, [runId])) as Array<{
      used: number;
    }>;
    return row.used;
  }

  /** Loads only what a step's templates read: the run input and the named outputs. */
  async loadTemplateContext(runId: string, microAgentKey: string, needs: TemplateNeeds): Promise<TemplateContext> {
    const [run] = (await this.db.query(`SELECT input FROM agent_runs WHERE id = $1`, [runId])) as Array<{ input: JsonValue }>;
    if (!run) throw new Error(`run ${runId} does not exist`);
    // In a delegated run a micro agent's siblings carry its agent's prefix; its templates name them without.
    const agentKeys = new Map(needs.agentKeys.map((key) => [siblingKey(microAgentKey, key), key]));
    const stepKeys = [...agentKeys.keys(), ...needs.stepIds.map((id) => toolStepKey(microAgentKey, id))];
    // A micro agent's output is the output of the step it refers to.
    const rows = stepKeys.length
      ? ((await this.db.query(
          `SELECT wanted.step_key, wanted.kind, stored.output
             FROM run_steps AS wanted
             JOIN run_steps AS stored ON stored.run_id = wanted.run_id AND stored.step_key = COALESCE(wanted.output_step_key, wanted.step_key)
            WHERE wanted.run_id = $1 AND wanted.step_key = ANY($2::text[]) AND wanted.status IN ('succeeded', 'reused')`,
          [runId, stepKeys],
        )) as Array<{ step_key: string; kind: string; output: JsonValue }>)
      : [];
    const context: TemplateContext = { input: run.input, agents: {}, steps: {} };
    for (const row of rows) {
      if (row.kind === 'micro_agent') context.agents[agentKeys.get(row.step_key) ?? row.step_key] = { output: row.output };
      else context.steps[stepIdOf(row.step_key, microAgentKey)] = { output: row.output };
    }
    return context;
  }

  /** True when the row was written: a succeeded step is final, and a superseded attempt changes nothing. Each write is an event. */
  private async upsertStep(step: StepRef, change: StepChange): Promise<boolean> {
    const output = toJsonb(change.output);
    const kind = 'kind' in step ? step.kind : 'tool';
    const tool = 'tool' in step ? step.tool : null;
    const written = (await this.db.query(
      `WITH written AS (
         INSERT INTO run_steps (run_id, step_key, micro_agent_key, kind, position, tool, status, attempts, input, output, output_bytes, error,
                                tokens, finish_reason, model_calls, started_at, finished_at)
         SELECT $1::uuid, $2::text, $3::text, $13::text, $4::int, $5::text, $6::text, $7::int, $8::jsonb, $9::jsonb, $12::int, $10::jsonb, $14::int, $15::text, $16::jsonb, now(), CASE WHEN $11::boolean THEN now() END
          -- Once a cancel is asked for, no call starts; calls already under way still record how they ended.
          WHERE $11::boolean OR NOT EXISTS (SELECT 1 FROM agent_runs WHERE id = $1::uuid AND cancel_requested_at IS NOT NULL)
         ON CONFLICT (run_id, step_key) DO UPDATE SET
           status = EXCLUDED.status,
           attempts = EXCLUDED.attempts,
           input = COALESCE(EXCLUDED.input, run_steps.input),
           output = EXCLUDED.output,
           output_bytes = EXCLUDED.output_bytes,
           error = EXCLUDED.error,
           -- Each attempt reports its own tokens and calls once, so they add up over retries and fallbacks.
           tokens = CASE WHEN EXCLUDED.tokens IS NULL THEN run_steps.tokens ELSE COALESCE(run_steps.tokens, 0) + EXCLUDED.tokens END,
           model_calls = CASE WHEN EXCLUDED.model_calls IS NULL THEN run_steps.model_calls
                              ELSE COALESCE(run_steps.model_calls, '[]'::jsonb) || EXCLUDED.model_calls END,
           finish_reason = COALESCE(EXCLUDED.finish_reason, run_steps.finish_reason),
           started_at = COALESCE(run_steps.started_at, EXCLUDED.started_at),
           finished_at = EXCLUDED.finished_at
         -- A superseded attempt that reports late (it noticed its timeout at the next heartbeat) changes nothing.
         WHERE run_steps.attempts <= EXCLUDED.attempts AND run_steps.status <> 'succeeded'
         RETURNING run_id),
       turn AS (SELECT run_id, ${RUN_EVENT_TURN} AS taken FROM written),
       event AS (INSERT INTO run_events (run_id, type, data) SELECT run_id, $17::text, $18::jsonb FROM turn RETURNING run_id)
       SELECT pg_notify($19::text, run_id::text) FROM event`,
      [
        step.runId,
        toolStepKey(step.microAgentKey, step.stepId),
        step.microAgentKey,
        step.position,
        tool,
        change.status,
        change.attempts,
        toJsonb(change.input),
        output,
        change.error,
        change.finished,
        output === null ? null : Buffer.byteLength(output),
        kind,
        change.tokens ?? null,
        change.finishReason ?? null,
        change.modelCalls ? JSON.stringify(change.modelCalls.map((call) => ({ attempt: change.attempts, ...call }))) : null,
        change.finished ? 'step.finished' : 'step.started',
        JSON.stringify(stepEventData(step, kind, tool, change)),
        RUN_EVENTS_CHANNEL,
      ],
    )) as unknown[];
    return written.length > 0;
  }
}

type StepChange = { status: StepStatus; attempts: number; input?: JsonValue; output?: JsonValue; error: RunError | null; finished: boolean } & ModelCallFacts;

function stepEventData(step: StepRef, kind: string, tool: ToolName | null, change: StepChange): RunEventData['step.started'] | RunEventData['step.finished'] {
  const stepKey = toolStepKey(step.microAgentKey, step.stepId);
  if (!change.finished) return { stepKey, kind, tool, attempt: change.attempts };
  return {
    stepKey,
    kind,
    tool,
    status: change.status,
    attempt: change.attempts,
    error: change.error,
    ...(change.tokens === undefined ? {} : { tokens: change.tokens }),
    ...(change.input === undefined ? {} : { input: eventPreview(storable(change.input)) }),
    ...(change.output === undefined ? {} : { output: eventPreview(storable(change.output)) }),
  };
}

/** U+0000 and unpaired surrogates: jsonb refuses both. */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** node-postgres sends JS strings as text; jsonb needs them JSON-encoded. */
function toJsonb(value: JsonValue | undefined): string | null {
  return value === undefined ? null : JSON.stringify(storable(value));
}

/** Characters jsonb cannot hold, which binary or hostile data may contain, become U+FFFD, in keys too. */
function storable(value: JsonValue): JsonValue {
  if (typeof value === 'string') return value.replace(UNSTORABLE, '\uFFFD');
  if (Array.isArray(value)) return value.map(storable);
  if (isJsonObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [storable(key) as string, storable(item)]));
  return value;
}
