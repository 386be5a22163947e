// Starts what the integration and end-to-end tests talk to: a real Kafka broker (its own port and
// data, fresh each run), the PostgreSQL server (or an embedded one), and migrated test databases.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { startKafka } from '../tools/local/kafka';
import { ensurePostgres } from '../tools/local/postgres';
import { SERVICES, buildDir } from '../tools/local/services';
import { TEST_DATABASE_PREFIX, TEST_KAFKA_PORT, testKafkaDataDir } from './support/test-env';

const root = resolve(__dirname, '..');
const say = (line: string) => process.stdout.write(`\x1b[36m[test setup]\x1b[0m ${line}\n`);

export default async function globalSetup(): Promise<void> {
  say(`building ${buildDir()}/`);
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });

  const postgres = await ensurePostgres(root, say);
  (globalThis as Record<string, unknown>).__ordoPostgres = postgres;
  await dropTestDatabases(postgres.url);

  rmSync(testKafkaDataDir(root), { recursive: true, force: true });
  const brokers = startKafka(root, { port: TEST_KAFKA_PORT, dataDir: testKafkaDataDir(root) });

  process.env.DATABASE_URL = postgres.url;
  process.env.KAFKA_BROKERS = brokers;
  // Jest's path aliases do not apply to a global setup, so it uses the build it just made.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { setUpInfrastructure } = require(join(root, buildDir(), 'tools', 'local', 'setup.js')) as typeof import('../tools/local/setup');
  await setUpInfrastructure(process.env, say, TEST_DATABASE_PREFIX);
}

async function dropTestDatabases(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const service of SERVICES) {
      await client.query(`DROP DATABASE IF EXISTS ${TEST_DATABASE_PREFIX}_${service} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
