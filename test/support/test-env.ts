import { join } from 'node:path';

export const TEST_KAFKA_PORT = Number(process.env.TEST_KAFKA_PORT ?? 19092);
export const TEST_DATABASE_PREFIX = process.env.TEST_DATABASE_PREFIX ?? 'ordo_test';

export function testKafkaDataDir(root: string): string {
  return join(root, '.local', `kafka-test-${TEST_KAFKA_PORT}`);
}
