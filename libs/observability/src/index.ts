export * from './correlation';
export * from './logger';
export * from './metrics';
export * from './readiness';
export * from './public-route';
export * from './observability.module';
