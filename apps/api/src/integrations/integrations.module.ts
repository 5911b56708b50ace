import { Module } from '@nestjs/common';
import { credentialCipherProvider } from './credential-cipher.provider';
import { IntegrationsController } from './integrations.controller';
import { IntegrationsService } from './integrations.service';
import { OAuthController } from './oauth.controller';
import { OAuthService } from './oauth.service';
import { SecretsController } from './secrets.controller';
import { SecretsService } from './secrets.service';

@Module({
  controllers: [IntegrationsController, OAuthController, SecretsController],
  providers: [credentialCipherProvider, IntegrationsService, OAuthService, SecretsService],
})
export class IntegrationsModule {}
