import type { AppConfig } from '@flowmate/config';
import { ACTIVE_RUN_STATUSES, agentRefs, FAILURE_TYPES, TERMINAL_RUN_STATUSES, type JsonObject, type JsonValue, type RunTrigger } from '@flowmate/contracts';
import { RunsRepository, type AgentEntity, type AgentRunEntity, type NewRun, type StepWithPreviews } from '@flowmate/db';
import { BadRequestException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import stableStringify from 'fast-json-stable-stringify';
import { createHash } from 'node:crypto';
import { AgentsService } from '../agents/agents.service';
import { ApprovalsService } from '../approvals/approvals.service';
import { InjectConfig } from '../core/app-config.provider';
import type { AuthUser } from '../auth/auth-user';
import { withCursorCheck } from '../common/invalid-cursor';
import type { PageDto } from '../common/page-query.dto';
import { toRunResponse, toRunStarted, toRunSummary, type ListRunsQueryDto, type RunDto, type RunStartedDto, type RunSummaryDto, type StartRunDto, type StepOutputDto, type StuckDto, type DelegateTaskDto } from './dto/run.dto';
import type { RunTarget } from '@flowmate/contracts/run-start';
import { problemsInOneLine } from '@flowmate/contracts/validation';
import { RunAdmission } from './run-admission';
import { RunCanceller, type CancelRequested } from './run-canceller';
import { assertInputFits, inputProblemsFor } from './run-input';
import { RunLauncher } from './run-launcher';
import { RunStartRelay } from './run-start-relay';
import { StuckRuns } from './stuck-runs';
import { RerunPlanner } from './rerun/rerun-planner';
import type { RerunRunDto } from './rerun/rerun-run.dto';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
/** A run that has not moved for this long is asked about in Temporal, in case its workflow task keeps failing. */
const STUCK_CHECK_AFTER_MS = 10_000;

const fingerprint = (request: Record<string, JsonValue>): string => createHash('sha256').update(stableStringify(request)).digest('hex');

function checkIdempotencyKey(idempotencyKey: string | undefined): void {
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new BadRequestException({
      message: 'Request validation failed',
      details: [{ path: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' }],
    });
  }
}

@Injectable()
export class RunsService {
  constructor(
    private readonly agents: AgentsService,
    private readonly runs: RunsRepository,
    private readonly launcher: RunLauncher,
    private readonly relay: RunStartRelay,
    private readonly admission: RunAdmission,
    private readonly canceller: RunCanceller,
    private readonly approvals: ApprovalsService,
    private readonly reruns: RerunPlanner,
    private readonly stuckRuns: StuckRuns,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async start(user: AuthUser, agentId: string, dto: StartRunDto, idempotencyKey?: string): Promise<RunStartedDto> {
    checkIdempotencyKey(idempotencyKey);
    const agent = await this.agents.findOwned(user, agentId);
    const input = dto.input ?? {};
    assertInputFits(agent.definition, input);
    const run = { userId: user.id, agentId: agent.id, agentVersion: agent.version, trigger: 'manual' as const, input };
    return this.begin(run, { agentId: agent.id, input }, idempotencyKey, { agent });
  }

  /** A task for the main agent: it plans which of the user's agents and micro agents do it, and runs those. */
  async delegate(user: AuthUser, dto: DelegateTaskDto, idempotencyKey?: string): Promise<RunStartedDto> {
    checkIdempotencyKey(idempotencyKey);
    const agents = await this.agents.findOwnedForDelegation(user, dto.agentIds);
    const refs = agentRefs(agents.map((agent) => agent.name));
    const candidates = agents.map((agent, index) => ({ ref: refs[index], agentId: agent.id, agentVersion: agent.version, definition: agent.definition }));
    const input = dto.input ?? {};
    // Any of them may be picked for the task, and would read the input.
    for (const agent of agents) assertInputFits(agent.definition, input);
    const run = { userId: user.id, agentId: null, agentVersion: null, task: dto.task, trigger: 'delegate' as const, input };
    const request = { task: dto.task, agentIds: agents.map((agent) => agent.id), input };
    return this.begin(run, request, idempotencyKey, { delegation: { task: dto.task, candidates } });
  }

  /**
   * A run an event started for the agent's owner (a webhook delivery): `idempotencyKey` names the event,
   * so a repeated event returns the same run.
   */
  async startTriggered(agent: AgentEntity, trigger: RunTrigger, input: JsonObject, idempotencyKey: string): Promise<RunStartedDto> {
    const run = { userId: agent.userId, agentId: agent.id, agentVersion: agent.version, trigger, input };
    const problems = inputProblemsFor(agent.definition, input);
    if (problems.length > 0) {
      // Nobody waits on this answer: the run itself says why it did not start.
      const message = `the event's input does not fit the agent's inputSchema: ${problemsInOneLine(problems)}`;
      return toRunStarted(await this.runs.createFailed({ ...run, idempotencyKey }, { type: FAILURE_TYPES.invalidInput, message }), this.launcher.uiLink);
    }
    return this.begin(run, { agentId: agent.id, trigger, input }, idempotencyKey, { agent });
  }

  /** A new run of the agent version `id` ran; with `from`, reusing what `id` recorded outside `from` and its dependants. */
  async rerun(user: AuthUser, id: string, dto: RerunRunDto, idempotencyKey?: string): Promise<RunStartedDto> {
    checkIdempotencyKey(idempotencyKey);
    const { run, request, target } = await this.reruns.plan(await this.ownedRun(user, id), dto);
    if ('agent' in target) assertInputFits(target.agent.definition, run.input);
    return this.begin(run, request, idempotencyKey, target);
  }

  /**
   * Every run begins here: the queued row and its outbox row in one transaction, then the start, which
   * the outbox relay makes later when Temporal is down (the answer is 202 `queued` all the same). The same
   * Idempotency-Key returns the same run and never starts a second workflow; `request` is what the key
   * must keep meaning.
   */
  private async begin(
    newRun: Omit<NewRun, 'idempotencyKey' | 'requestFingerprint'>,
    request: Record<string, JsonValue>,
    idempotencyKey: string | undefined,
    target: RunTarget,
  ): Promise<RunStartedDto> {
    const requestFingerprint = idempotencyKey === undefined ? undefined : fingerprint(request);
    const { run, created } = await this.admission.admit({ ...newRun, idempotencyKey, requestFingerprint, startTarget: target }, target);
    if (run.requestFingerprint !== (requestFingerprint ?? null)) {
      throw new UnprocessableEntityException('This Idempotency-Key was already used for a different request');
    }
    // A run its agent's concurrency holds is started by the run it waits for; a repeated request's run is the outbox's.
    if (created && run.heldBy === null) await this.relay.startNow(run.id);
    return toRunStarted(run, this.launcher.uiLink);
  }

  async get(user: AuthUser, id: string): Promise<RunDto> {
    // Pending approvals first: an approval is stored in the same commit that marks its run waiting, so a
    // run read after it never shows a pending approval beside a status from before it. The commit that
    // closes a run cancels its pending approvals, so a closed run read after them has none.
    const pendingApprovals = await this.approvals.pendingOf(id);
    const run = await this.ownedRun(user, id);
    const steps = await this.runs.findStepsWithPreviews(run.id, this.config.api.outputPreviewBytes);
    return toRunResponse(run, steps, TERMINAL_RUN_STATUSES.includes(run.status) ? [] : pendingApprovals, this.launcher.uiLink, await this.stuckOf(run, steps));
  }

  /** Only for a run that is active and has not moved for a while: the check costs Temporal calls. Unknown (null) when Temporal does not answer. */
  private async stuckOf(run: AgentRunEntity, steps: StepWithPreviews[]): Promise<StuckDto | null> {
    if (!ACTIVE_RUN_STATUSES.includes(run.status)) return null;
    const moments = [run.createdAt, run.startedAt, ...steps.flatMap((step) => [step.startedAt, step.finishedAt])].filter((moment): moment is Date => moment !== null);
    if (Date.now() - Math.max(...moments.map((moment) => moment.getTime())) < STUCK_CHECK_AFTER_MS) return null;
    const activeChildren = steps.filter((step) => step.kind === 'micro_agent' && step.workflowId && ['running', 'waiting_approval'].includes(step.status));
    return this.stuckRuns.find([run.workflowId, ...activeChildren.map((step) => step.workflowId as string)]).catch(() => null);
  }

  /** One whole output, which `get` may have shown only the head of; wrapped, so a string output is JSON too. */
  async stepOutput(user: AuthUser, id: string, stepKey: string): Promise<StepOutputDto> {
    const run = await this.ownedRun(user, id);
    const output = await this.runs.findStepOutput(run.id, stepKey);
    if (output === undefined) throw new NotFoundException(`Step "${stepKey}" of this run has no output`);
    return { stepKey, output };
  }

  async cancel(user: AuthUser, id: string): Promise<CancelRequested> {
    return this.canceller.cancel(await this.ownedRun(user, id));
  }

  private async ownedRun(user: AuthUser, id: string): Promise<AgentRunEntity> {
    const run = await this.runs.findOwnedById(user.id, id);
    if (!run) throw new NotFoundException('Run not found');
    return run;
  }

  async list(user: AuthUser, query: ListRunsQueryDto): Promise<PageDto<RunSummaryDto>> {
    const page = await withCursorCheck(() =>
      this.runs.listOwned(user.id, { agentId: query.agentId, status: query.status }, { limit: query.limit, cursor: query.cursor }),
    );
    return { items: page.items.map((run) => toRunSummary(run, this.launcher.uiLink)), nextCursor: page.nextCursor };
  }
}
