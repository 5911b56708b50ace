import { DEFINITION_LIMITS, type AgentDefinition } from '@flowmate/contracts';
import { AgentsRepository, SchedulesRepository, type AgentEntity, type AgentOrigin } from '@flowmate/db';
import { ConflictException, Injectable, Logger, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { withCursorCheck } from '../common/invalid-cursor';
import type { PageDto } from '../common/page-query.dto';
import { toAgentResponse, type AgentResponseDto } from './dto/agent-response.dto';
import type { ListAgentsQueryDto } from './dto/list-agents-query.dto';
import { TemporalSchedules } from '../schedules/temporal-schedules';
import { TriggerAccess } from './trigger-access';

@Injectable()
export class AgentsService {
  private readonly logger = new Logger(AgentsService.name);

  constructor(
    private readonly agents: AgentsRepository,
    private readonly triggers: TriggerAccess,
    private readonly schedules: SchedulesRepository,
    private readonly temporalSchedules: TemporalSchedules,
  ) {}

  async create(user: AuthUser, definition: AgentDefinition, origin?: AgentOrigin): Promise<AgentResponseDto> {
    await this.triggers.check(user, definition);
    return toAgentResponse(await this.agents.create(user.id, definition, origin));
  }

  async list(user: AuthUser, query: ListAgentsQueryDto): Promise<PageDto<AgentResponseDto>> {
    const page = await withCursorCheck(() => this.agents.listOwned(user.id, query, { trashed: query.deleted }));
    return { items: page.items.map(toAgentResponse), nextCursor: page.nextCursor };
  }

  /** An agent in the trash too, with its `deletedAt`. */
  async get(user: AuthUser, id: string): Promise<AgentResponseDto> {
    return toAgentResponse(await this.findOwnedOrTrashed(user, id));
  }

  async replace(user: AuthUser, id: string, definition: AgentDefinition, { restoredFrom }: { restoredFrom?: number } = {}): Promise<AgentResponseDto> {
    // Another user's agent is a 404, never a trigger problem (nor a GitHub call made on its account).
    await this.findOwned(user, id);
    await this.triggers.check(user, definition);
    const agent = await this.agents.replaceOwned(user.id, id, definition, { restoredFrom });
    if (!agent) throw agentNotFound();
    return toAgentResponse(agent);
  }

  /**
   * To the trash: its runs stay readable, its triggers stop matching, its schedule is paused in Temporal
   * (now, or by the reconciler if Temporal is unreachable) until a restore or the purge.
   */
  async delete(user: AuthUser, id: string): Promise<void> {
    if (await this.agents.trashOwned(user.id, id)) return this.applySchedule(id, { agentTrashed: true });
    const agent = await this.findOwnedOrTrashed(user, id);
    throw new ConflictException(`This agent has been in the trash since ${agent.deletedAt?.toISOString()}`);
  }

  /** Out of the trash, its schedule running again as it was. */
  async restore(user: AuthUser, id: string): Promise<AgentResponseDto> {
    const agent = await this.agents.restoreOwned(user.id, id);
    if (!agent) {
      await this.findOwnedOrTrashed(user, id);
      throw new ConflictException('This agent is not in the trash');
    }
    await this.applySchedule(id, { agentTrashed: false });
    return toAgentResponse(agent);
  }

  private async applySchedule(agentId: string, { agentTrashed }: { agentTrashed: boolean }): Promise<void> {
    const schedule = await this.schedules.findByAgent(agentId);
    if (!schedule) return;
    try {
      await this.temporalSchedules.apply({ ...schedule, agentTrashed });
    } catch (error) {
      this.logger.warn({ err: error, agentId }, 'the agent’s Temporal Schedule is left to the reconciler');
    }
  }

  /** The agents a delegated task may use: the named ones (404 naming any that is not the user's), else the newest. */
  async findOwnedForDelegation(user: AuthUser, ids?: string[]): Promise<AgentEntity[]> {
    const agents = await this.agents.listOwnedForDelegation(user.id, ids, DEFINITION_LIMITS.microAgents);
    const missing = (ids ?? []).filter((id) => !agents.some((agent) => agent.id === id));
    if (missing.length > 0) throw new NotFoundException(`Agent not found: ${missing.join(', ')}`);
    if (agents.length === 0) throw new UnprocessableEntityException('There is no agent to delegate the task to; create one first');
    return agents;
  }

  /** An agent to use or change: another user's is indistinguishable from a missing one, and one in the trash is a 409. */
  async findOwned(user: AuthUser, id: string): Promise<AgentEntity> {
    const agent = await this.findOwnedOrTrashed(user, id);
    if (agent.deletedAt) throw new ConflictException('This agent is in the trash; restore it first (POST /agents/:id/restore)');
    return agent;
  }

  /** The user's agent, in the trash too; another user's is a 404. */
  async findOwnedOrTrashed(user: AuthUser, id: string): Promise<AgentEntity> {
    const agent = await this.agents.findOwnedById(user.id, id);
    if (!agent) throw agentNotFound();
    return agent;
  }
}

const agentNotFound = (): NotFoundException => new NotFoundException('Agent not found');
