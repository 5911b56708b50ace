import { DEFINITION_LIMITS, type AgentDefinition } from '@flowmate/contracts';
import { AgentsRepository, SchedulesRepository, type AgentEntity } from '@flowmate/db';
import { Injectable, Logger, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { withCursorCheck } from '../common/invalid-cursor';
import type { PageDto, PageQueryDto } from '../common/page-query.dto';
import { toAgentResponse, type AgentResponseDto } from './dto/agent-response.dto';
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

  async create(user: AuthUser, definition: AgentDefinition): Promise<AgentResponseDto> {
    await this.triggers.check(user, definition);
    return toAgentResponse(await this.agents.create(user.id, definition));
  }

  async list(user: AuthUser, query: PageQueryDto): Promise<PageDto<AgentResponseDto>> {
    const page = await withCursorCheck(() => this.agents.listOwned(user.id, query));
    return { items: page.items.map(toAgentResponse), nextCursor: page.nextCursor };
  }

  async get(user: AuthUser, id: string): Promise<AgentResponseDto> {
    return toAgentResponse(await this.findOwned(user, id));
  }

  async replace(user: AuthUser, id: string, definition: AgentDefinition): Promise<AgentResponseDto> {
    // Another user's agent is a 404, never a trigger problem (nor a GitHub call made on its account).
    if (definition.triggers?.length) await this.findOwned(user, id);
    await this.triggers.check(user, definition);
    const agent = await this.agents.replaceOwned(user.id, id, definition);
    if (!agent) throw agentNotFound();
    return toAgentResponse(agent);
  }

  /** Its schedule goes with it: the row at once, the Temporal Schedule now or, if Temporal is unreachable, at the next reconciliation. */
  async delete(user: AuthUser, id: string): Promise<void> {
    const scheduled = await this.schedules.findByAgent(id);
    if (!(await this.agents.deleteOwned(user.id, id))) throw agentNotFound();
    if (!scheduled) return;
    try {
      await this.temporalSchedules.remove(id);
    } catch (error) {
      this.logger.warn({ err: error, agentId: id }, 'the deleted agent’s Temporal Schedule is left to the reconciler');
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

  /** Another user's agent is indistinguishable from a missing one. */
  async findOwned(user: AuthUser, id: string): Promise<AgentEntity> {
    const agent = await this.agents.findOwnedById(user.id, id);
    if (!agent) throw agentNotFound();
    return agent;
  }
}

const agentNotFound = (): NotFoundException => new NotFoundException('Agent not found');
