import { AgentDefinitionDto } from '@flowmate/contracts/validation';
import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../auth/auth-user';
import { AgentsService } from '../agents.service';
import type { AgentResponseDto } from '../dto/agent-response.dto';
import { AgentCreationPipe, type AgentSource } from './agent-creation.pipe';
import { AgentPortabilityService } from './agent-portability.service';
import { CloneAgentDto } from './clone-agent.dto';
import type { PortableAgentDocument } from './portable-agent';
import { AgentTemplatesService } from './templates/agent-templates.service';

/** Where agents come from: a definition, a template, an export, or another agent. */
@ApiTags('agents')
@ApiBearerAuth()
@Controller('agents')
export class AgentCreationController {
  constructor(
    private readonly agents: AgentsService,
    private readonly templates: AgentTemplatesService,
    private readonly portability: AgentPortabilityService,
  ) {}

  @Post()
  @ApiBody({ type: AgentDefinitionDto, description: 'A definition, or {fromTemplate, name?, input?} to create from a template of GET /templates' })
  create(@CurrentUser() user: AuthUser, @Body(AgentCreationPipe) source: AgentSource): Promise<AgentResponseDto> {
    return 'template' in source ? this.templates.create(user, source.template) : this.agents.create(user, source.definition);
  }

  @Get(':id/export')
  export(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<PortableAgentDocument> {
    return this.portability.export(user, id);
  }

  /** The body is a document from `GET /agents/:id/export`, validated by the service (every problem by path). */
  @Post('import')
  @ApiBody({ description: 'A document from GET /agents/:id/export: {flowmate: 1, agent: {…, schedule?}}' })
  import(@CurrentUser() user: AuthUser, @Body() document: unknown): Promise<AgentResponseDto> {
    return this.portability.import(user, document);
  }

  @Post(':id/clone')
  clone(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CloneAgentDto): Promise<AgentResponseDto> {
    return this.portability.clone(user, id, dto);
  }
}
