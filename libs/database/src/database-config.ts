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
export function databaseConfigFromEnv(service: string, env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const serverUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  try {
    new URL(serverUrl);
  } catch {
    throw new Error(`DATABASE_URL is not a URL: ${serverUrl}`);
  }
  const database = env.DATABASE_NAME ?? `ordo_${service}`;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) {
    throw new Error(`DATABASE_NAME must be a plain lower-case PostgreSQL identifier, got ${database}`);
  }
  const poolSize = Number(env.DATABASE_POOL_SIZE ?? 20);
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new Error('DATABASE_POOL_SIZE must be a positive integer');
  return { serverUrl, database, poolSize };
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
