// Gives the medium tier a real PostgreSQL and a fresh database per service under test, migrated by
// the services' own migrations. No Kafka: the medium tier fakes what is outside the service.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { ensurePostgres } from '../../tools/local/postgres';
import { mediumDatabase } from './medium-env';

const root = resolve(__dirname, '..', '..');
/** A build of its own, so this run neither waits for nor removes the `dist/` that `make up` runs from. */
const BUILD_DIR = '.build-medium';
const say = (line: string) => process.stdout.write(`\x1b[36m[medium setup]\x1b[0m ${line}\n`);

export default async function globalSetup(): Promise<void> {
  const postgres = await ensurePostgres(root, say);
  (globalThis as Record<string, unknown>).__ordoMediumPostgres = postgres;
  process.env.DATABASE_URL = postgres.url;

  // Jest's path aliases do not apply to a global setup, and the migrations import `@ordo/*`:
  // the build rewrites those aliases (a third of a second).
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
    cwd: root,
    env: { ...process.env, ORDO_BUILD_DIR: BUILD_DIR },
    stdio: 'ignore',
  });
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { databaseConfigFromEnv, migrateDatabase } = require(
    join(root, BUILD_DIR, 'libs', 'database', 'src', 'index.js'),
  ) as typeof import('../../libs/database/src');
  const { dispensingSchema } = require(
    join(root, BUILD_DIR, 'apps', 'dispensing', 'src', 'schema.js'),
  ) as typeof import('../../apps/dispensing/src/schema');
  /* eslint-enable @typescript-eslint/no-require-imports */

  const database = mediumDatabase('dispensing');
  await dropDatabase(postgres.url, database);
  const config = databaseConfigFromEnv('dispensing', { DATABASE_URL: postgres.url, DATABASE_NAME: database });
  const applied = await migrateDatabase(config, dispensingSchema.entities, dispensingSchema.migrations);
  say(`database ${database}: applied ${applied.join(', ')}`);
}

/** Whatever an earlier run left, rows or a half-applied schema, goes: each run starts from the migrations. */
async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
