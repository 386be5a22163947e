import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenVerifier } from './access-token';
import { BearerAuthGuard } from './bearer-auth.guard';
import { resolveAuthSettings, type AuthOptions } from './key-source';

@Global()
@Module({})
export class AuthModule {
  /**
   * Guards every HTTP route of the app with a bearer token. The environment is read when the app
   * starts, not when this is called, so a test can set it up before `compile()`.
   */
  static forRoot(options: AuthOptions = {}): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AccessTokenVerifier, useFactory: () => AccessTokenVerifier.fromSettings(resolveAuthSettings(options)) },
        { provide: APP_GUARD, useClass: BearerAuthGuard },
      ],
      exports: [AccessTokenVerifier],
    };
  }
}
