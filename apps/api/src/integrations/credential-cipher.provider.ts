import type { AppConfig } from '@flowmate/config';
import { CredentialCipher } from '@flowmate/crypto';
import type { Provider } from '@nestjs/common';
import { APP_CONFIG } from '../core/app-config.provider';

export const credentialCipherProvider: Provider = {
  provide: CredentialCipher,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => new CredentialCipher(config.credentials),
};
