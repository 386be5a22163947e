export * from './service-config.module';
export * from './settings';
