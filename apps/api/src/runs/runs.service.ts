import { RunsRepository } from '@flowmate/db';
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AgentsService } from '../agents/agents.service';
import type { AuthUser } from '../auth/auth-user';
import { withCursorCheck } from '../common/invalid-cursor';
import type { PageDto } from '../common/page-query.dto';
import { toRunResponse, toRunStarted, toRunSummary, type ListRunsQueryDto, type RunDto, type RunStartedDto, type RunSummaryDto, type StartRunDto } from './dto/run.dto';
import { RunLauncher } from './run-launcher';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

@Injectable()
export class RunsService {
  constructor(
    private readonly agents: AgentsService,
    private readonly runs: RunsRepository,
    private readonly launcher: RunLauncher,
  ) {}

  /** The same Idempotency-Key returns the same run and never starts a second workflow. */
  async start(user: AuthUser, agentId: string, dto: StartRunDto, idempotencyKey?: string): Promise<RunStartedDto> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new BadRequestException({
        message: 'Request validation failed',
        details: [{ path: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' }],
      });
    }
    const agent = await this.agents.findOwned(user, agentId);
    const { run } = await this.runs.createQueued({
      userId: user.id,
      agentId: agent.id,
      agentVersion: agent.version,
      trigger: 'manual',
      input: dto.input ?? {},
      idempotencyKey,
    });
    if (run.agentId !== agent.id) throw new ConflictException('This Idempotency-Key was already used to run another agent');
    // A queued run is started again on a retry: the first request may have died before Temporal heard of it.
    if (run.status === 'queued') await this.launcher.launch(run, agent);
    return toRunStarted(run, this.launcher.uiLink);
  }

  async get(user: AuthUser, id: string): Promise<RunDto> {
    const run = await this.runs.findOwnedById(user.id, id);
    if (!run) throw new NotFoundException('Run not found');
    return toRunResponse(run, this.launcher.uiLink);
  }

  async list(user: AuthUser, query: ListRunsQueryDto): Promise<PageDto<RunSummaryDto>> {
    const page = await withCursorCheck(() =>
      this.runs.listOwned(user.id, { agentId: query.agentId, status: query.status }, { limit: query.limit, cursor: query.cursor }),
    );
    return { items: page.items.map((run) => toRunSummary(run, this.launcher.uiLink)), nextCursor: page.nextCursor };
  }
}
