import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../auth/auth-user';
import type { AgentResponseDto } from '../dto/agent-response.dto';
import { AgentPortabilityService } from './agent-portability.service';
import { CloneAgentDto } from './clone-agent.dto';
import type { PortableAgentDocument } from './portable-agent';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('agents')
export class AgentPortabilityController {
  constructor(private readonly portability: AgentPortabilityService) {}

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
