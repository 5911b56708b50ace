import { INTEGRATION_PROVIDERS, isIntegrationProvider, type IntegrationProvider } from '@flowmate/contracts';
import { isOAuthProvider, OAUTH_PROVIDERS, type OAuthProvider } from '@flowmate/integrations';
import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

const refuse = (value: string, allowed: readonly string[]): never => {
  throw new BadRequestException({ message: `Unknown provider "${value}"`, details: [{ path: 'provider', message: `must be one of ${allowed.join(', ')}` }] });
};

@Injectable()
export class ParseProviderPipe implements PipeTransform<string, IntegrationProvider> {
  transform(value: string): IntegrationProvider {
    return isIntegrationProvider(value) ? value : refuse(value, INTEGRATION_PROVIDERS);
  }
}

/** X and Instagram connect with a pasted token only. */
@Injectable()
export class ParseOAuthProviderPipe implements PipeTransform<string, OAuthProvider> {
  transform(value: string): OAuthProvider {
    return isOAuthProvider(value) ? value : refuse(value, OAUTH_PROVIDERS);
  }
}
