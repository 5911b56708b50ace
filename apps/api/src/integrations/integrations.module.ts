import { Module } from '@nestjs/common';
import { credentialCipherProvider } from './credential-cipher.provider';
import { IntegrationsController } from './integrations.controller';
import { IntegrationsService } from './integrations.service';
import { OAuthService } from './oauth.service';
import { SecretsService } from './secrets.service';

@Module({
  controllers: [IntegrationsController],
  providers: [credentialCipherProvider, IntegrationsService, OAuthService, SecretsService],
})
export class IntegrationsModule {}
