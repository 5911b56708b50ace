import type { AgentDefinition, JsonObject } from '@flowmate/contracts';
import { runInputProblems, validateAgentDefinition } from '@flowmate/contracts/validation';
import { BadRequestException, Injectable } from '@nestjs/common';
import type { AuthUser } from '../../../auth/auth-user';
import { SchedulesService } from '../../../schedules/schedules.service';
import { AgentsService } from '../../agents.service';
import { DefinitionChecks } from '../../definition-checks';
import type { AgentResponseDto } from '../../dto/agent-response.dto';
import { AGENT_TEMPLATES, type AgentTemplate } from './agent-templates';
import type { AgentTemplateDto } from './agent-template.dto';
import type { FromTemplateDto } from './from-template.dto';

/** The built-in templates, and agents made from them. */
@Injectable()
export class AgentTemplatesService {
  constructor(
    private readonly agents: AgentsService,
    private readonly schedules: SchedulesService,
    private readonly checks: DefinitionChecks,
  ) {}

  list(): AgentTemplateDto[] {
    return AGENT_TEMPLATES.map(({ build: _build, ...template }) => template);
  }

  /**
   * The template's agent with `input` as its parameters (400 by path when they do not fit), saved like any
   * new agent (a trigger's repository checked through the owner's GitHub); its schedule, if it has one,
   * created paused with the parameters as the runs' input.
   */
  async create(user: AuthUser, { fromTemplate, name, input = {} }: FromTemplateDto): Promise<AgentResponseDto> {
    const template = AGENT_TEMPLATES.find((candidate) => candidate.id === fromTemplate) as AgentTemplate;
    const problems = runInputProblems(template.parameters, input);
    if (problems.length > 0) throw new BadRequestException({ message: `The parameters do not fit template "${template.id}"`, details: problems });
    const agent = await this.agents.create(user, this.definitionOf(template, input, name), { details: { template: template.id } });
    if (template.schedule) await this.schedules.put(user, agent.id, { ...template.schedule, paused: true, input });
    return agent;
  }

  /** Templates are checked by their tests; a template that builds an invalid definition is a bug of ours, not a 400. */
  private definitionOf(template: AgentTemplate, parameters: JsonObject, name?: string): AgentDefinition {
    const built = validateAgentDefinition({ ...template.build(parameters), ...(name ? { name } : {}) });
    const problems = built.ok ? this.checks.problemsOf(built.definition) : built.problems;
    if (!built.ok || problems.length > 0) throw new Error(`template ${template.id} built an invalid definition: ${JSON.stringify(problems)}`);
    return built.definition;
  }
}
