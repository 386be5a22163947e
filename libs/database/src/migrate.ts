import { DataSource, DataSourceOptions } from 'typeorm';
import { DatabaseConfig, dataSourceOptions } from './database-config';
import { ensureDatabase } from './ensure-database';

/** Creates the database if needed and applies pending migrations; returns the names applied. */
export async function migrateDatabase(
  config: DatabaseConfig,
  entities: DataSourceOptions['entities'],
  migrations: DataSourceOptions['migrations'],
): Promise<string[]> {
  await ensureDatabase(config.serverUrl, config.database);
  const dataSource = new DataSource(dataSourceOptions(config, entities, migrations));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
