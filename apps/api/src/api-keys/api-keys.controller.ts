import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, SessionOnly, type AuthUser } from '../auth/auth-user';
import { ApiKeyDto, CreatedApiKeyDto, CreateApiKeyDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

/** Personal API keys for automation; managed from a signed-in session only. */
@ApiTags('api-keys')
@ApiBearerAuth()
@SessionOnly()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(user, dto);
  }

  @Get()
  async list(@CurrentUser() user: AuthUser): Promise<{ items: ApiKeyDto[] }> {
    return { items: await this.apiKeys.list(user) };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  revoke(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.apiKeys.revoke(user, id);
  }
}
