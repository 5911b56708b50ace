import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../../../auth/api-security';
import { AgentTemplateDto } from './agent-template.dto';
import { AgentTemplatesService } from './agent-templates.service';

@ApiTags('agents')
@ApiSignedIn()
@Controller('templates')
export class AgentTemplatesController {
  constructor(private readonly templates: AgentTemplatesService) {}

  /** Built-in agents: what each does, the connections it needs, the parameters it is created with. */
  @Get()
  @ApiOkResponse({ type: [AgentTemplateDto] })
  list(): AgentTemplateDto[] {
    return this.templates.list();
  }
}
