import { resolve } from 'node:path';
import { stopKafka } from '../tools/local/kafka';
import { RunningPostgres } from '../tools/local/postgres';
import { TEST_KAFKA_PORT, testKafkaDataDir } from './support/test-env';

export default async function globalTeardown(): Promise<void> {
  const root = resolve(__dirname, '..');
  stopKafka(root, { port: TEST_KAFKA_PORT, dataDir: testKafkaDataDir(root) });
  await ((globalThis as Record<string, unknown>).__ordoPostgres as RunningPostgres | undefined)?.stop();
}
