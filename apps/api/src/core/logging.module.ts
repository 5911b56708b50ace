import { Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { HttpLogger } from 'pino-http';

/** Nest's logger and request-scoped loggers, on the request logger the app installs as its first middleware. */
@Module({})
export class LoggingModule {
  static forRoot(requestLogger: HttpLogger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: { logger: requestLogger.logger },
          useExisting: true,
          // Nest 11's router syntax; the library's default '*' makes Nest warn at every boot.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        }),
      ],
    };
  }
}
