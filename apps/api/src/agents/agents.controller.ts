import type { AgentDefinition } from '@flowmate/contracts';
import { AgentDefinitionDto } from '@flowmate/contracts/validation';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import type { PageDto } from '../common/page-query.dto';
import { AgentDefinitionPipe } from './agent-definition.pipe';
import { AgentsService } from './agents.service';
import type { AgentResponseDto } from './dto/agent-response.dto';
import { ListAgentsQueryDto } from './dto/list-agents-query.dto';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  list(@CurrentUser() user: AuthUser, @Query() query: ListAgentsQueryDto): Promise<PageDto<AgentResponseDto>> {
    return this.agents.list(user, query);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<AgentResponseDto> {
    return this.agents.get(user, id);
  }

  @Put(':id')
  @ApiBody({ type: AgentDefinitionDto })
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
  delete(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.agents.delete(user, id);
  }

  @Post(':id/restore')
  @HttpCode(HttpStatus.OK)
  restore(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<AgentResponseDto> {
    return this.agents.restore(user, id);
  }
}
