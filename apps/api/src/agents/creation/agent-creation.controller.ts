import { AgentDefinitionDto } from '@flowmate/contracts/validation';
import { Body, Controller, Get, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../../auth/api-security';
import { CurrentUser, type AuthUser } from '../../auth/auth-user';
import { ApiErrorResponses } from '../../core/api-error-responses';
import { AgentsService } from '../agents.service';
import { ApiAgentResponse, type AgentResponseDto } from '../dto/agent-response.dto';
import { AgentCreationPipe, type AgentSource } from './agent-creation.pipe';
import { AgentPortabilityService } from './agent-portability.service';
import { CloneAgentDto } from './clone-agent.dto';
import { PortableAgentDocument } from './portable-agent';
import { AgentTemplatesService } from './templates/agent-templates.service';

/** Where agents come from: a definition, a template, an export, or another agent. */
@ApiTags('agents')
@ApiSignedIn()
@ApiErrorResponses(HttpStatus.BAD_REQUEST)
@Controller('agents')
export class AgentCreationController {
  constructor(
    private readonly agents: AgentsService,
    private readonly templates: AgentTemplatesService,
    private readonly portability: AgentPortabilityService,
  ) {}

  @Post()
  @ApiBody({ type: AgentDefinitionDto, description: 'A definition, or {fromTemplate, name?, input?} to create from a template of GET /templates' })
  @ApiAgentResponse(HttpStatus.CREATED)
  @ApiErrorResponses(HttpStatus.SERVICE_UNAVAILABLE)
  create(@CurrentUser() user: AuthUser, @Body(AgentCreationPipe) source: AgentSource): Promise<AgentResponseDto> {
    return 'template' in source ? this.templates.create(user, source.template) : this.agents.create(user, source.definition);
  }

  @Get(':id/export')
  @ApiOkResponse({ type: PortableAgentDocument })
  @ApiErrorResponses(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  export(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<PortableAgentDocument> {
    return this.portability.export(user, id);
  }

  /** The body is a document from `GET /agents/:id/export`, validated by the service (every problem by path). */
  @Post('import')
  @ApiBody({ type: PortableAgentDocument, description: 'A document from GET /agents/:id/export' })
  @ApiAgentResponse(HttpStatus.CREATED)
  @ApiErrorResponses(HttpStatus.SERVICE_UNAVAILABLE)
  import(@CurrentUser() user: AuthUser, @Body() document: unknown): Promise<AgentResponseDto> {
    return this.portability.import(user, document);
  }

  @Post(':id/clone')
  @ApiAgentResponse(HttpStatus.CREATED)
  @ApiErrorResponses(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT, HttpStatus.SERVICE_UNAVAILABLE)
  clone(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CloneAgentDto): Promise<AgentResponseDto> {
    return this.portability.clone(user, id, dto);
  }
}
