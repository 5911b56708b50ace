import type { IntegrationProvider } from '@flowmate/contracts';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiSignedIn } from '../auth/api-security';
import { CurrentUser, type AuthUser } from '../auth/auth-user';
import { ApiListResponse } from '../common/list-responses';
import { ApiErrorResponses } from '../core/api-error-responses';
import { ConnectIntegrationDto, IntegrationDto } from './dto/integration.dto';
import { IntegrationsService } from './integrations.service';
import { ParseProviderPipe } from './provider.pipe';

@ApiTags('integrations')
@ApiSignedIn()
@Controller('integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Get()
  @ApiListResponse(IntegrationDto)
  async list(@CurrentUser() user: AuthUser): Promise<{ items: IntegrationDto[] }> {
    return { items: await this.integrations.list(user) };
  }

  @Put(':provider')
  @ApiOkResponse({ type: IntegrationDto, description: 'Connected, the token checked with the provider' })
  @ApiErrorResponses(HttpStatus.BAD_REQUEST, HttpStatus.SERVICE_UNAVAILABLE)
  connect(@CurrentUser() user: AuthUser, @Param('provider', ParseProviderPipe) provider: IntegrationProvider, @Body() dto: ConnectIntegrationDto): Promise<IntegrationDto> {
    return this.integrations.connect(user, provider, dto);
  }

  @Delete(':provider')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Disconnected: its tokens are deleted' })
  @ApiErrorResponses(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  disconnect(@CurrentUser() user: AuthUser, @Param('provider', ParseProviderPipe) provider: IntegrationProvider): Promise<void> {
    return this.integrations.remove(user, provider);
  }
}
