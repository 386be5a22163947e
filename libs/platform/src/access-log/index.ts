export * from './access-log';
export * from './access-log.module';
export * from './access-log.query';
export * from './access-log.schema';
export * from './access-log.settings';
