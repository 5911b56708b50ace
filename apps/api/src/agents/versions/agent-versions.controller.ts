import { Controller, Get, HttpCode, HttpStatus, Param, ParseIntPipe, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../../auth/api-security';
import { CurrentUser, type AuthUser } from '../../auth/auth-user';
import { ApiPageResponse } from '../../common/list-responses';
import { PageQueryDto, type PageDto } from '../../common/page-query.dto';
import { ApiErrorResponses } from '../../core/api-error-responses';
import { ApiAgentResponse, type AgentResponseDto } from '../dto/agent-response.dto';
import { AgentVersionDto, AgentVersionSummaryDto } from './agent-version.dto';
import { AgentVersionsService } from './agent-versions.service';

@ApiTags('agents')
@ApiSignedIn()
@ApiErrorResponses(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
@Controller('agents/:id/versions')
export class AgentVersionsController {
  constructor(private readonly versions: AgentVersionsService) {}

  @Get()
  @ApiPageResponse(AgentVersionSummaryDto)
  list(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string, @Query() query: PageQueryDto): Promise<PageDto<AgentVersionSummaryDto>> {
    return this.versions.list(user, agentId, query);
  }

  @Get(':version')
  @ApiOkResponse({ type: AgentVersionDto })
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string, @Param('version', ParseIntPipe) version: number): Promise<AgentVersionDto> {
    return this.versions.get(user, agentId, version);
  }

  @Post(':version/restore')
  @HttpCode(HttpStatus.OK)
  @ApiAgentResponse()
  @ApiErrorResponses(HttpStatus.CONFLICT, HttpStatus.SERVICE_UNAVAILABLE)
  restore(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string, @Param('version', ParseIntPipe) version: number): Promise<AgentResponseDto> {
    return this.versions.restore(user, agentId, version);
  }
}
