import { Controller, Get, HttpStatus, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../auth/api-security';
import { ApiListResponse } from '../common/list-responses';
import { ApiErrorResponses } from '../core/api-error-responses';
import { ModelHealthDto, ModelsService } from './models.service';

@ApiTags('models')
@ApiSignedIn()
@Controller('models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  @ApiListResponse(ModelHealthDto)
  async list(): Promise<{ items: ModelHealthDto[] }> {
    return { items: await this.models.list() };
  }

  /** `:name` is URL-encoded: a name may hold a `/` (`local%2Fllama3`). */
  @Get(':name')
  @ApiOkResponse({ type: ModelHealthDto })
  @ApiErrorResponses(HttpStatus.NOT_FOUND)
  get(@Param('name') name: string): Promise<ModelHealthDto> {
    return this.models.get(name);
  }
}
