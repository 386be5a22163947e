import { join } from 'node:path';
import { toolConfig } from '../../tools/local/tool-settings';

export const TEST_KAFKA_PORT = toolConfig().TEST_KAFKA_PORT;
export const TEST_DATABASE_PREFIX = toolConfig().TEST_DATABASE_PREFIX;

export function testKafkaDataDir(root: string): string {
  return join(root, '.local', `kafka-test-${TEST_KAFKA_PORT}`);
}
