import { currentJwtSecret, type AppConfig } from '@flowmate/config';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { APP_CONFIG } from '../core/app-config.provider';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { MagicLinkMailer } from './magic-link-mailer';

@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: ({ api: { jwt } }: AppConfig) => ({
        // Signs with the current key and names it in the header, so the key can rotate (the strategy verifies by kid).
        secret: currentJwtSecret(jwt.keys),
        signOptions: { algorithm: 'HS256', keyid: jwt.keys.currentKeyId, issuer: jwt.issuer, audience: jwt.audience },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, JwtStrategy, MagicLinkMailer, { provide: APP_GUARD, useClass: JwtAuthGuard }],
})
export class AuthModule {}
