import { TOOLS, type ToolDescriptor } from '@flowmate/contracts';
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

@ApiTags('tools')
@ApiBearerAuth()
@Controller('tools')
export class ToolsController {
  @Get()
  list(): { items: ToolDescriptor[] } {
    return { items: Object.values(TOOLS) };
  }
}
