import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiSessionOnly } from '../auth/api-security';
import { CurrentUser, SessionOnly, type AuthUser } from '../auth/auth-user';
import { ApiListResponse } from '../common/list-responses';
import { ApiErrorResponses } from '../core/api-error-responses';
import { ApiKeyDto, CreatedApiKeyDto, CreateApiKeyDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

/** Personal API keys for automation; managed from a signed-in session only. */
@ApiTags('api-keys')
@SessionOnly()
@ApiSessionOnly()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The key, whose secret is shown this once' })
  @ApiErrorResponses(HttpStatus.BAD_REQUEST)
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(user, dto);
  }

  @Get()
  @ApiListResponse(ApiKeyDto)
  async list(@CurrentUser() user: AuthUser): Promise<{ items: ApiKeyDto[] }> {
    return { items: await this.apiKeys.list(user) };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Revoked: the key stops working at once' })
  @ApiErrorResponses(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  revoke(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.apiKeys.revoke(user, id);
  }
}
