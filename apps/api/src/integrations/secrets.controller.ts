import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { SecretDto, SecretValueDto } from './dto/integration.dto';
import { SecretsService } from './secrets.service';

@ApiTags('secrets')
@ApiBearerAuth()
@Controller('secrets')
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Get()
  async list(@CurrentUser() user: AuthUser): Promise<{ items: SecretDto[] }> {
    return { items: await this.secrets.list(user) };
  }

  @Put(':name')
  put(@CurrentUser() user: AuthUser, @Param('name') name: string, @Body() dto: SecretValueDto): Promise<SecretDto> {
    return this.secrets.put(user, name, dto.value);
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@CurrentUser() user: AuthUser, @Param('name') name: string): Promise<void> {
    return this.secrets.remove(user, name);
  }
}
