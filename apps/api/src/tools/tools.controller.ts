import { TOOLS } from '@flowmate/contracts';
import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../auth/api-security';
import { ApiListResponse } from '../common/list-responses';
import { ToolDto } from './tool.dto';

@ApiTags('tools')
@ApiSignedIn()
@Controller('tools')
export class ToolsController {
  @Get()
  @ApiListResponse(ToolDto)
  list(): { items: ToolDto[] } {
    return { items: Object.values(TOOLS) };
  }
}
