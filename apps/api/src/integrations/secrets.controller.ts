import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../auth/api-security';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { ApiListResponse } from '../common/list-responses';
import { ApiErrorResponses } from '../core/api-error-responses';
import { SecretDto, SecretValueDto } from './dto/integration.dto';
import { SecretsService } from './secrets.service';

@ApiTags('secrets')
@ApiSignedIn()
@Controller('secrets')
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Get()
  @ApiListResponse(SecretDto)
  async list(@CurrentUser() user: AuthUser): Promise<{ items: SecretDto[] }> {
    return { items: await this.secrets.list(user) };
  }

  @Put(':name')
  @ApiOkResponse({ type: SecretDto, description: 'Stored, created or replaced; its value is never returned' })
  @ApiErrorResponses(HttpStatus.BAD_REQUEST)
  put(@CurrentUser() user: AuthUser, @Param('name') name: string, @Body() dto: SecretValueDto): Promise<SecretDto> {
    return this.secrets.put(user, name, dto.value);
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrorResponses(HttpStatus.NOT_FOUND)
  remove(@CurrentUser() user: AuthUser, @Param('name') name: string): Promise<void> {
    return this.secrets.remove(user, name);
  }
}
