import { ACTIVE_RUN_STATUSES, runWorkflowId, type ConcurrencyPolicy, type JsonValue, type MainAgentInput, type RunError, type RunHold, type RunStatus, type RunTrigger, type StepStatus } from '@flowmate/contracts';
import type { RunTarget } from '@flowmate/contracts/run-start';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { AgentRunEntity, RunStepEntity } from '../entities';
import { columnValues } from './column-values';
import { updateReturning } from './update-returning';
import { pageNewestFirst, type Page, type PageRequest } from './page';
import { recordAudit } from './audit';
import { appendRunEvent } from './run-events';
import { enqueueRunStart } from './run-start-outbox.repository';

export interface NewRun {
  userId: string;
  /** Null on a delegated run. */
  agentId: string | null;
  agentVersion: number | null;
  task?: string;
  trigger: RunTrigger;
  input: JsonValue;
  idempotencyKey?: string;
  requestFingerprint?: string;
  /** A rerun: the run it reruns, and the micro agents that take their outputs from that run. */
  rerunOf?: string;
  reuse?: MainAgentInput['reuse'];
  /** A scheduled run: the time its schedule fired for. */
  scheduledAt?: Date;
  /**
   * What the run-start outbox starts it as, queued in the same transaction. Absent for a run something
   * else starts: a schedule's fire (its own workflow) or a run its agent's concurrency holds (the run it waits for).
   */
  startTarget?: RunTarget;
}

const SUMMARY_COLUMNS = ['id', 'userId', 'agentId', 'agentVersion', 'task', 'agents', 'trigger', 'status', 'heldBy', 'rerunOf', 'scheduledAt', 'workflowId', 'error', 'createdAt', 'startedAt', 'finishedAt'] as const;
export type AgentRunSummary = Pick<AgentRunEntity, (typeof SUMMARY_COLUMNS)[number]>;

/**
 * A new run as stored (held when `activeRunIds` were active under `queue` or `replace`), or refused under
 * `reject` (with the failed run that records the refusal, when one was asked for).
 */
export type RunAdmission = { run: AgentRunEntity; created: boolean; activeRunIds: string[] } | { refused: true; activeRunIds: string[]; run?: AgentRunEntity };

/** An active run whose cancel was just asked for. */
export interface RunCancelRequest {
  id: string;
  status: RunStatus;
  heldBy: RunHold | null;
  workflowId: string;
  cancelRequestedAt: Date;
}

export interface RunFilter {
  agentId?: string;
  status?: RunStatus;
}

/** A stored value as an API shows it: whole when small, else the head of its JSON text. */
export interface Preview {
  value: JsonValue | null;
  truncated: boolean;
  bytes: number | null;
}

const STEP_COLUMNS = [
  'id', 'runId', 'stepKey', 'microAgentKey', 'kind', 'position', 'tool', 'status', 'attempts', 'error',
  'workflowId', 'outputBytes', 'outputStepKey', 'toolCallId', 'tokens', 'modelCalls', 'reusedFrom', 'startedAt', 'finishedAt',
] as const;
export type StepWithPreviews = Pick<RunStepEntity, (typeof STEP_COLUMNS)[number]> & { input: Preview; output: Preview };

interface PreviewColumns {
  input_bytes: number | null;
  input_whole: JsonValue | null;
  input_head: string | null;
  output_whole: JsonValue | null;
  output_head: string | null;
}

function previewOf(whole: JsonValue | null, head: string | null, bytes: number | null): Preview {
  return head === null ? { value: whole, truncated: false, bytes } : { value: head, truncated: true, bytes };
}

/** Serialises the concurrency decisions of one agent's runs, across API processes and workers. */
async function lockAgent(tx: EntityManager, agentId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))`, [agentId]);
}

async function activeRunsOf(tx: EntityManager, agentId: string): Promise<string[]> {
  const rows = (await tx.query(`SELECT id FROM agent_runs WHERE agent_id = $1 AND status = ANY($2::text[]) ORDER BY created_at, id`, [
    agentId,
    ACTIVE_RUN_STATUSES,
  ])) as Array<{ id: string }>;
  return rows.map((row) => row.id);
}

export class RunsRepository {
  private readonly runs: Repository<AgentRunEntity>;
  private readonly steps: Repository<RunStepEntity>;

  constructor(db: DataSource) {
    this.runs = db.getRepository(AgentRunEntity);
    this.steps = db.getRepository(RunStepEntity);
  }

  /** Inserts a queued run; with an idempotency key already used by this user, returns that run instead. */
  createQueued(run: NewRun): Promise<{ run: AgentRunEntity; created: boolean }> {
    return this.runs.manager.transaction((tx) => this.insertQueued(tx, run, null));
  }

  /**
   * `createQueued` under the agent's concurrency policy: the check of the agent's active runs and the
   * insert happen under one per-agent lock, so two API processes never both see "nothing active". `reject`
   * refuses (naming `activeRunIds`); `queue` and `replace` hold the new run (`held_by`) while any is active.
   * With `recordRefusal`, a refused run is stored all the same, failed with that error: a run nobody asked
   * for in a request (a scheduled fire) leaves a trace of why it did not happen.
   */
  async admitQueued(run: NewRun, policy: ConcurrencyPolicy, { recordRefusal }: { recordRefusal?: RunError } = {}): Promise<RunAdmission> {
    if (!run.agentId || policy === 'allow') return { ...(await this.createQueued(run)), activeRunIds: [] };
    const agentId = run.agentId;
    return this.runs.manager.transaction(async (tx) => {
      await lockAgent(tx, agentId);
      const existing = run.idempotencyKey ? await this.findByIdempotencyKey(tx, run.userId, run.idempotencyKey) : null;
      if (existing) return { run: existing, created: false, activeRunIds: [] };
      const activeRunIds = await activeRunsOf(tx, agentId);
      if (activeRunIds.length > 0 && policy === 'reject') {
        if (!recordRefusal) return { refused: true, activeRunIds };
        return { refused: true, activeRunIds, run: await this.insertFailed(tx, run, recordRefusal) };
      }
      return { ...(await this.insertQueued(tx, run, activeRunIds.length > 0 ? 'concurrency' : null)), activeRunIds };
    });
  }

  /**
   * Starts the oldest run its agent's concurrency held, when the agent has no other active run, and
   * clears its hold once `start` has handed it to Temporal (a crash in between leaves it held, and the
   * retried release starts it again: its workflow id makes that harmless). Returns the run started.
   */
  async startNextHeld(finishedRunId: string, start: (run: AgentRunEntity) => Promise<void>): Promise<AgentRunEntity | undefined> {
    return this.runs.manager.transaction(async (tx) => {
      const [finished] = (await tx.query(`SELECT agent_id FROM agent_runs WHERE id = $1`, [finishedRunId])) as Array<{ agent_id: string | null }>;
      if (!finished?.agent_id) return undefined;
      await lockAgent(tx, finished.agent_id);
      const busy = await tx.query(`SELECT 1 FROM agent_runs WHERE agent_id = $1 AND status = ANY($2::text[]) AND held_by IS NULL LIMIT 1`, [
        finished.agent_id,
        ACTIVE_RUN_STATUSES,
      ]);
      if (busy.length > 0) return undefined;
      const next = await tx
        .getRepository(AgentRunEntity)
        .createQueryBuilder('run')
        .where("run.agent_id = :agentId AND run.status = 'queued' AND run.held_by IS NOT NULL", { agentId: finished.agent_id })
        .orderBy('run.created_at', 'ASC')
        .addOrderBy('run.id', 'ASC')
        .getOne();
      if (!next) return undefined;
      await start(next);
      await tx.query(`UPDATE agent_runs SET held_by = NULL WHERE id = $1`, [next.id]);
      return next;
    });
  }

  /**
   * Stores a run that could not start, failed with `error`: a start nobody was there to answer (a
   * scheduled fire, a webhook) leaves a trace of why. With its idempotency key already used, that run.
   */
  createFailed(run: NewRun, error: RunError): Promise<AgentRunEntity> {
    return this.runs.manager.transaction((tx) => this.insertFailed(tx, run, error));
  }

  private async insertFailed(tx: EntityManager, run: NewRun, error: RunError): Promise<AgentRunEntity> {
    // A run stored failed never starts.
    const { run: stored, created } = await this.insertQueued(tx, { ...run, startTarget: undefined }, null);
    if (!created) return stored;
    await tx.query(`UPDATE agent_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [stored.id, error]);
    await appendRunEvent(tx, stored.id, 'run.finished', { status: 'failed', error });
    return { ...stored, status: 'failed', error };
  }

  private async insertQueued(db: EntityManager, run: NewRun, heldBy: RunHold | null): Promise<{ run: AgentRunEntity; created: boolean }> {
    const id = randomUUID();
    const runs = db.getRepository(AgentRunEntity);
    const { raw } = await runs
      .createQueryBuilder()
      .insert()
      .values(
        columnValues<AgentRunEntity>({
          id,
          userId: run.userId,
          agentId: run.agentId,
          agentVersion: run.agentVersion,
          trigger: run.trigger,
          status: 'queued',
          heldBy,
          input: run.input,
          workflowId: runWorkflowId(id),
          idempotencyKey: run.idempotencyKey ?? null,
          requestFingerprint: run.requestFingerprint ?? null,
          task: run.task ?? null,
          rerunOf: run.rerunOf ?? null,
          reuse: run.reuse ?? null,
          scheduledAt: run.scheduledAt ?? null,
        }),
      )
      // The id is fresh, so the one conflict possible is on the user's (user_id, idempotency_key).
      .orIgnore()
      .execute();
    const created = (raw as unknown[]).length > 0;
    if (created) {
      if (run.startTarget && heldBy === null) await enqueueRunStart(db, id, run.startTarget);
      await recordAudit(db, {
        action: run.rerunOf ? 'run.rerun' : 'run.started',
        ownerId: run.userId,
        objectType: 'run',
        objectId: id,
        details: { agentId: run.agentId, trigger: run.trigger, ...(run.rerunOf ? { rerunOf: run.rerunOf } : {}) },
      });
      return { run: await runs.createQueryBuilder('run').where('run.id = :id', { id }).getOneOrFail(), created };
    }
    if (!run.idempotencyKey) throw new Error(`run ${id} was not inserted, and no idempotency key explains it`);
    return { run: (await this.findByIdempotencyKey(db, run.userId, run.idempotencyKey)) as AgentRunEntity, created };
  }

  // Typed finders instantiate TypeORM's where-types over the jsonb columns too deeply (TS2589).
  private findByIdempotencyKey(db: EntityManager, userId: string, key: string): Promise<AgentRunEntity | null> {
    return db.getRepository(AgentRunEntity).createQueryBuilder('run').where('run.user_id = :userId AND run.idempotency_key = :key', { userId, key }).getOne();
  }

  findOwnedById(userId: string, id: string): Promise<AgentRunEntity | null> {
    return this.runs.createQueryBuilder('run').where('run.id = :id AND run.user_id = :userId', { id, userId }).getOne();
  }

  /**
   * The run's micro-agent and tool-step rows in definition order, with input and output as previews:
   * a value over `previewBytes` comes back as the head of its JSON text, so a run of large outputs
   * still loads (and answers) small.
   */
  async findStepsWithPreviews(runId: string, previewBytes: number): Promise<StepWithPreviews[]> {
    const { entities, raw } = await this.steps
      .createQueryBuilder('step')
      .select(STEP_COLUMNS.map((column) => `step.${column}`))
      .addSelect('octet_length(step.input::text)', 'input_bytes')
      .addSelect('CASE WHEN octet_length(step.input::text) <= :limit THEN step.input END', 'input_whole')
      .addSelect('CASE WHEN octet_length(step.input::text) > :limit THEN left(step.input::text, :limit) END', 'input_head')
      .addSelect('CASE WHEN step.output_bytes <= :limit THEN step.output END', 'output_whole')
      .addSelect('CASE WHEN step.output_bytes > :limit THEN left(step.output::text, :limit) END', 'output_head')
      .where('step.run_id = :runId', { runId, limit: previewBytes })
      // Micro agents first; then each micro agent's model and tool calls in the order they happened.
      .orderBy("CASE WHEN step.kind = 'micro_agent' THEN 0 ELSE 1 END", 'ASC')
      .addOrderBy('step.position', 'ASC')
      .getRawAndEntities<PreviewColumns>();
    return entities.map((step, index) => ({
      ...step,
      input: previewOf(raw[index].input_whole, raw[index].input_head, raw[index].input_bytes),
      output: previewOf(raw[index].output_whole, raw[index].output_head, step.outputBytes),
    }));
  }

  /** One step's whole output; a micro agent's is the output of the step it refers to. Undefined when there is none. */
  async findStepOutput(runId: string, stepKey: string): Promise<JsonValue | undefined> {
    const row = await this.steps
      .createQueryBuilder('wanted')
      .innerJoin(RunStepEntity, 'stored', 'stored.run_id = wanted.run_id AND stored.step_key = COALESCE(wanted.output_step_key, wanted.step_key)')
      .select('stored.output', 'output')
      .where('wanted.run_id = :runId AND wanted.step_key = :stepKey AND stored.output IS NOT NULL', { runId, stepKey })
      .getRawOne<{ output: JsonValue }>();
    return row?.output;
  }

  /** How each micro agent of the run stands, by key. */
  async findMicroAgentStatuses(runId: string): Promise<Map<string, StepStatus>> {
    const rows = await this.steps
      .createQueryBuilder('step')
      .select(['step.id', 'step.stepKey', 'step.status'])
      .where("step.run_id = :runId AND step.kind = 'micro_agent'", { runId })
      .getMany();
    return new Map(rows.map((row) => [row.stepKey, row.status]));
  }

  /** Summaries: input and output, which may be large, are left out. */
  listOwned(userId: string, filter: RunFilter, page: PageRequest): Promise<Page<AgentRunSummary>> {
    const query = this.runs
      .createQueryBuilder('run')
      .select(SUMMARY_COLUMNS.map((column) => `run.${column}`))
      .where('run.user_id = :userId', { userId });
    if (filter.agentId) query.andWhere('run.agent_id = :agentId', { agentId: filter.agentId });
    if (filter.status) query.andWhere('run.status = :status', { status: filter.status });
    return pageNewestFirst(query, page);
  }

  /** Deletes up to `limit` runs that finished before `finishedBefore`, with their steps, outputs, events and approvals; returns how many. */
  async purgeFinishedBefore(finishedBefore: Date, limit: number): Promise<number> {
    const purged = await updateReturning(
      this.runs.manager,
      `DELETE FROM agent_runs WHERE id IN (SELECT id FROM agent_runs WHERE finished_at < $1 ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1`,
      [finishedBefore, limit],
    );
    return purged.length;
  }

  /** The user's runs still queued, running or waiting: what an account deletion must stop first. */
  async findActiveIdsOf(userId: string): Promise<string[]> {
    const rows = (await this.runs.manager.query(`SELECT id FROM agent_runs WHERE user_id = $1 AND status = ANY($2::text[])`, [userId, ACTIVE_RUN_STATUSES])) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  /** The agent's newest scheduled runs, for its schedule's `recentRuns`. */
  listScheduled(agentId: string, limit: number): Promise<Array<Pick<AgentRunEntity, 'id' | 'status' | 'scheduledAt' | 'createdAt'>>> {
    return this.runs
      .createQueryBuilder('run')
      .select(['run.id', 'run.status', 'run.scheduledAt', 'run.createdAt'])
      .where("run.agent_id = :agentId AND run.trigger = 'schedule'", { agentId })
      .orderBy('run.created_at', 'DESC')
      .limit(limit)
      .getMany();
  }

  /**
   * Marks an active run's cancel as asked for (tool calls that begin from now on refuse to start) and
   * returns it; undefined when the run has already finished.
   */
  async requestCancel(id: string): Promise<RunCancelRequest | undefined> {
    return this.runs.manager.transaction(async (tx) => {
      const [row] = await updateReturning<{ id: string; user_id: string; status: RunStatus; held_by: RunHold | null; workflow_id: string; cancel_requested_at: Date }>(
        tx,
        `UPDATE agent_runs SET cancel_requested_at = COALESCE(cancel_requested_at, now())
          WHERE id = $1 AND status = ANY($2::text[])
          RETURNING id, user_id, status, held_by, workflow_id, cancel_requested_at`,
        [id, ACTIVE_RUN_STATUSES],
      );
      if (!row) return undefined;
      await recordAudit(tx, { action: 'run.cancelled', ownerId: row.user_id, objectType: 'run', objectId: id });
      return { id: row.id, status: row.status, heldBy: row.held_by, workflowId: row.workflow_id, cancelRequestedAt: row.cancel_requested_at };
    });
  }
}
