export * from './bootstrap';
export * from './domain-error';
export * from './http-error.filter';
export * from './trace.interceptor';
export * from './validation';
export * from './periodic-sweep';
export * from './access-log';
export * from './rate-limit';
