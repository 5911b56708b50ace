import type { IntegrationProvider } from '@flowmate/contracts';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { ConnectIntegrationDto, IntegrationDto } from './dto/integration.dto';
import { IntegrationsService } from './integrations.service';
import { ParseProviderPipe } from './provider.pipe';

@ApiTags('integrations')
@ApiBearerAuth()
@Controller('integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Get()
  async list(@CurrentUser() user: AuthUser): Promise<{ items: IntegrationDto[] }> {
    return { items: await this.integrations.list(user) };
  }

  @Put(':provider')
  connect(@CurrentUser() user: AuthUser, @Param('provider', ParseProviderPipe) provider: IntegrationProvider, @Body() dto: ConnectIntegrationDto): Promise<IntegrationDto> {
    return this.integrations.connect(user, provider, dto);
  }

  @Delete(':provider')
  @HttpCode(HttpStatus.NO_CONTENT)
  disconnect(@CurrentUser() user: AuthUser, @Param('provider', ParseProviderPipe) provider: IntegrationProvider): Promise<void> {
    return this.integrations.remove(user, provider);
  }
}
