import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ModelsService, type ModelHealthDto } from './models.service';

@ApiTags('models')
@ApiBearerAuth()
@Controller('models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  async list(): Promise<{ items: ModelHealthDto[] }> {
    return { items: await this.models.list() };
  }

  /** `:name` is URL-encoded: a name may hold a `/` (`local%2Fllama3`). */
  @Get(':name')
  get(@Param('name') name: string): Promise<ModelHealthDto> {
    return this.models.get(name);
  }
}
