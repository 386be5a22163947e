import { DynamicModule, Global, Module } from '@nestjs/common';

/** The service's validated configuration, read once before the app is built. */
export const SERVICE_CONFIG = Symbol('ordo:service-config');

@Global()
@Module({})
export class ServiceConfigModule {
  static forRoot(config: object): DynamicModule {
    return {
      module: ServiceConfigModule,
      providers: [{ provide: SERVICE_CONFIG, useValue: config }],
      exports: [SERVICE_CONFIG],
    };
  }
}
