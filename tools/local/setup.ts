import { databaseConfigFromEnv, migrateDatabase } from '@ordo/database';
import { createKafka, ensureTopics, messagingConfigFromEnv } from '@ordo/messaging';
import { SCHEMAS } from './schemas';

/**
 * Creates each service's database and applies its migrations, then creates the Kafka topics.
 * `databasePrefix` gives test runs their own databases (`<prefix>_<service>`).
 */
export async function setUpInfrastructure(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  databasePrefix = 'ordo',
): Promise<void> {
  for (const schema of SCHEMAS) {
    const config = databaseConfigFromEnv(schema.service, { ...env, DATABASE_NAME: `${databasePrefix}_${schema.service}` });
    const applied = await migrateDatabase(config, schema.entities, schema.migrations);
    log(`database ${config.database}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  }
  const messaging = messagingConfigFromEnv('setup', env);
  const created = await ensureTopics(createKafka(messaging), messaging);
  log(`topics: ${created.length ? `created ${created.join(', ')}` : 'all present'}`);
}
