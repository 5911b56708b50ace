import type { AppConfig } from '@flowmate/config';
import { Global, Inject, Module, type DynamicModule } from '@nestjs/common';

/** DI token for the one typed config object validated at boot. */
export const APP_CONFIG = Symbol('AppConfig');
export const InjectConfig = (): ParameterDecorator => Inject(APP_CONFIG);

@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AppConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
