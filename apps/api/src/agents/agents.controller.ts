import type { AgentDefinition } from '@flowmate/contracts';
import { AgentDefinitionDto } from '@flowmate/contracts/validation';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../auth/api-security';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { ApiPageResponse } from '../common/list-responses';
import type { PageDto } from '../common/page-query.dto';
import { ApiErrorResponses } from '../core/api-error-responses';
import { AgentDefinitionPipe } from './agent-definition.pipe';
import { AgentsService } from './agents.service';
import { AGENT_SCHEMA, AgentRecordDto, ApiAgentResponse, type AgentResponseDto } from './dto/agent-response.dto';
import { ListAgentsQueryDto } from './dto/list-agents-query.dto';

@ApiTags('agents')
@ApiSignedIn()
@ApiErrorResponses(HttpStatus.BAD_REQUEST)
@Controller('agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @ApiExtraModels(AgentRecordDto)
  @ApiPageResponse(AGENT_SCHEMA)
  list(@CurrentUser() user: AuthUser, @Query() query: ListAgentsQueryDto): Promise<PageDto<AgentResponseDto>> {
    return this.agents.list(user, query);
  }

  @Get(':id')
  @ApiAgentResponse()
  @ApiErrorResponses(HttpStatus.NOT_FOUND)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<AgentResponseDto> {
    return this.agents.get(user, id);
  }

  @Put(':id')
  @ApiBody({ type: AgentDefinitionDto })
  @ApiAgentResponse()
  @ApiErrorResponses(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT, HttpStatus.SERVICE_UNAVAILABLE)
  replace(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body(AgentDefinitionPipe) definition: AgentDefinition,
  ): Promise<AgentResponseDto> {
    return this.agents.replace(user, id, definition);
  }

  /** To the trash (restorable until the purge). */
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'In the trash' })
  @ApiErrorResponses(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  delete(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.agents.delete(user, id);
  }

  @Post(':id/restore')
  @HttpCode(HttpStatus.OK)
  @ApiAgentResponse()
  @ApiErrorResponses(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  restore(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<AgentResponseDto> {
    return this.agents.restore(user, id);
  }
}
