export * from './database-config';
export * from './database.module';
export * from './ensure-database';
export * from './migrate';
export * from './snake-naming.strategy';
export * from './sql';
