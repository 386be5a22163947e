import { ConfigOf, integer, loadConfig, text, url } from '@ordo/config';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DatabaseConfig {
  serverUrl: string;
  database: string;
  poolSize: number;
}

/**
 * DATABASE_URL names the PostgreSQL server (any database part is replaced); each service keeps its
 * own database, DATABASE_NAME, by default `ordo_<service>`.
 */
export function databaseSettings(service: string) {
  return {
    DATABASE_URL: url({
      secret: true,
      protocols: ['postgres:', 'postgresql:'],
      default: 'postgres://postgres@127.0.0.1:5432/postgres',
      desc: 'the PostgreSQL server (the database part is replaced)',
    }),
    DATABASE_NAME: text({
      default: `ordo_${service}`,
      defaultText: '`ordo_<service>`',
      pattern: /^[a-z_][a-z0-9_]{0,62}$/,
      accepts: 'a plain lower-case PostgreSQL identifier',
      desc: "the service's own database",
    }),
    DATABASE_POOL_SIZE: integer({ min: 1, max: 1000, default: 20, desc: 'connections per service' }),
  };
}

export type DatabaseValues = ConfigOf<ReturnType<typeof databaseSettings>>;

export function databaseConfig(values: DatabaseValues): DatabaseConfig {
  return { serverUrl: values.DATABASE_URL, database: values.DATABASE_NAME, poolSize: values.DATABASE_POOL_SIZE };
}

/** For tools: the same settings, read from `env`. */
export function databaseConfigFromEnv(service: string, env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  return databaseConfig(loadConfig(databaseSettings(service), env));
}

export function urlForDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function dataSourceOptions(
  config: DatabaseConfig,
  entities: DataSourceOptions['entities'],
  migrations: DataSourceOptions['migrations'],
): DataSourceOptions {
  return {
    type: 'postgres',
    url: urlForDatabase(config.serverUrl, config.database),
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    extra: { max: config.poolSize, application_name: `ordo-${config.database}` },
  };
}
