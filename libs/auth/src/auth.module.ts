import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenVerifier } from './access-token';
import { BearerAuthGuard } from './bearer-auth.guard';
import { SERVICE_CONFIG } from '@ordo/config';
import { resolveAuthSettings, type AuthOptions, type AuthValues } from './key-source';

@Global()
@Module({})
export class AuthModule {
  /**
   * Guards every HTTP route of the app with a bearer token, verified as the service's configuration
   * says (`authSettings`); `options` override it.
   */
  static forRoot(options: AuthOptions = {}): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        {
          provide: AccessTokenVerifier,
          inject: [SERVICE_CONFIG],
          useFactory: (config: AuthValues) => AccessTokenVerifier.fromSettings(resolveAuthSettings(options, config)),
        },
        { provide: APP_GUARD, useClass: BearerAuthGuard },
      ],
      exports: [AccessTokenVerifier],
    };
  }
}
