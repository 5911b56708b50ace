import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AgentTemplatesService, type AgentTemplateDto } from './agent-templates.service';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('templates')
export class AgentTemplatesController {
  constructor(private readonly templates: AgentTemplatesService) {}

  /** Built-in agents: what each does, the connections it needs, the parameters it is created with. */
  @Get()
  list(): AgentTemplateDto[] {
    return this.templates.list();
  }
}
