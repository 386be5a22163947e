import { databaseConfigFromEnv, migrateDatabase, urlForDatabase } from '@ordo/database';
import { importBdpm } from '@ordo/medicines';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { describeBdpmSource, resolveBdpmSource } from './repo-root';
import { createKafka, ensureTopics, messagingConfigFromEnv } from '@ordo/messaging';
import { SCHEMAS } from './schemas';

/**
 * Creates each service's database and applies its migrations, then creates the Kafka topics.
 * `databasePrefix` gives test runs their own databases (`<prefix>_<service>`).
 */
export async function setUpInfrastructure(env: NodeJS.ProcessEnv, log: (line: string) => void, databasePrefix = 'ordo'): Promise<void> {
  for (const schema of SCHEMAS) {
    const config = databaseConfigFromEnv(schema.service, { ...env, DATABASE_NAME: `${databasePrefix}_${schema.service}` });
    const applied = await migrateDatabase(config, schema.entities, schema.migrations);
    log(`database ${config.database}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  }
  await importMedicinesIfEmpty(env, log, databasePrefix);
  const messaging = messagingConfigFromEnv('setup', env);
  const created = await ensureTopics(createKafka(messaging), messaging);
  log(`topics: ${created.length ? `created ${created.join(', ')}` : 'all present'}`);
}

/**
 * Prescribing checks every line against the BDPM, so a new database gets it at once, from the set
 * `resolveBdpmSource` picks (BDPM_DIR, the full shared copy, or the bundled subset); the log says
 * which, since the subset refuses most real packs. Refresh it with `ordo medicines import`.
 */
async function importMedicinesIfEmpty(env: NodeJS.ProcessEnv, log: (line: string) => void, databasePrefix: string) {
  const config = databaseConfigFromEnv('prescribing', { ...env, DATABASE_NAME: `${databasePrefix}_prescribing` });
  const client = new Client({ connectionString: urlForDatabase(config.serverUrl, config.database) });
  await client.connect();
  try {
    const source = resolveBdpmSource(env);
    const { rows } = await client.query('SELECT count(*)::int AS medicines FROM medicine');
    if (rows[0].medicines > 0) {
      return log(
        `medicines: ${rows[0].medicines.toLocaleString('en')} already imported in ${config.database}; ` +
          `\`ordo medicines import\` would reload them from ${describeBdpmSource(source)}`,
      );
    }
    if (!existsSync(join(source.folder, 'CIS_bdpm.txt'))) {
      return log(
        `medicines: no BDPM files in ${describeBdpmSource(source)}; prescriptions will be refused until \`ordo medicines import <folder>\``,
      );
    }
    log(`medicines: importing ${describeBdpmSource(source)}`);
    const result = await importBdpm(client, source.folder);
    log(`medicines: imported ${result.counts.medicine} medicines, ${result.counts.medicine_presentation} packs in ${result.durationMs} ms`);
  } finally {
    await client.end();
  }
}
