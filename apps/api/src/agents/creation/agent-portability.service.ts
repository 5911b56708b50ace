import { DEFINITION_LIMITS } from '@flowmate/contracts';
import { SchedulesRepository } from '@flowmate/db';
import { BadRequestException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user';
import { SchedulesService } from '../../schedules/schedules.service';
import { AgentsService } from '../agents.service';
import { DefinitionChecks } from '../definition-checks';
import type { AgentResponseDto } from '../dto/agent-response.dto';
import type { CloneAgentDto } from './clone-agent.dto';
import { readPortable, toPortable, type PortableAgentDocument } from './portable-agent';

const COPY_SUFFIX = ' (copy)';

/** Agents out of and into an installation (export, import) and within it (clone). */
@Injectable()
export class AgentPortabilityService {
  constructor(
    private readonly agents: AgentsService,
    private readonly schedules: SchedulesService,
    private readonly storedSchedules: SchedulesRepository,
    private readonly checks: DefinitionChecks,
  ) {}

  async export(user: AuthUser, id: string): Promise<PortableAgentDocument> {
    const agent = await this.agents.findOwned(user, id);
    return toPortable(agent.definition, (await this.storedSchedules.findByAgent(id))?.spec);
  }

  /** Checked like a create; the schedule it carries is created paused, for its new owner to look at first. */
  async import(user: AuthUser, document: unknown): Promise<AgentResponseDto> {
    const read = readPortable(document);
    const problems = read.ok ? this.checks.problemsOf(read.definition).map((problem) => ({ ...problem, path: `agent.${problem.path}` })) : read.problems;
    if (!read.ok || problems.length > 0) throw new BadRequestException({ message: 'The agent document is invalid', details: problems });
    const agent = await this.agents.create(user, read.definition, { imported: true });
    if (!read.schedule) return agent;
    try {
      await this.schedules.put(user, agent.id, { ...read.schedule, paused: true });
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      throw new ServiceUnavailableException(`The agent was imported as ${agent.id}, without its schedule: Temporal could not be reached. PUT /agents/${agent.id}/schedule to add it.`);
    }
    return agent;
  }

  /** A new agent from the current version (its schedule and runs stay with the original). */
  async clone(user: AuthUser, id: string, { name }: CloneAgentDto): Promise<AgentResponseDto> {
    const { definition } = await this.agents.findOwned(user, id);
    const copyName = name ?? definition.name.slice(0, DEFINITION_LIMITS.nameLength - COPY_SUFFIX.length) + COPY_SUFFIX;
    return this.agents.create(user, { ...definition, name: copyName }, { details: { clonedFrom: id } });
  }
}
