import { Controller, Get, HttpCode, HttpStatus, Param, ParseIntPipe, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../auth/auth-user';
import { PageQueryDto, type PageDto } from '../../common/page-query.dto';
import type { AgentResponseDto } from '../dto/agent-response.dto';
import type { AgentVersionDto, AgentVersionSummaryDto } from './agent-version.dto';
import { AgentVersionsService } from './agent-versions.service';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('agents/:id/versions')
export class AgentVersionsController {
  constructor(private readonly versions: AgentVersionsService) {}

  @Get()
  list(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string, @Query() query: PageQueryDto): Promise<PageDto<AgentVersionSummaryDto>> {
    return this.versions.list(user, agentId, query);
  }

  @Get(':version')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string, @Param('version', ParseIntPipe) version: number): Promise<AgentVersionDto> {
    return this.versions.get(user, agentId, version);
  }

  @Post(':version/restore')
  @HttpCode(HttpStatus.OK)
  restore(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) agentId: string, @Param('version', ParseIntPipe) version: number): Promise<AgentResponseDto> {
    return this.versions.restore(user, agentId, version);
  }
}
