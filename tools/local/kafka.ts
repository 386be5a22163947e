import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { toolConfig } from './tool-settings';

export interface KafkaNode {
  port: number;
  dataDir?: string;
}

function run(root: string, action: 'start' | 'stop', node: KafkaNode): void {
  toolConfig(); // kafka.sh reads KAFKA_HEAP, KAFKA_LIBS_DIR…: refused here, with their names, before it starts
  const result = spawnSync('bash', [join(root, 'deploy', 'local', 'kafka.sh'), action], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, KAFKA_PORT: String(node.port), ...(node.dataDir ? { KAFKA_DATA_DIR: node.dataDir } : {}) },
  });
  if (result.status !== 0) throw new Error(`deploy/local/kafka.sh ${action} failed (exit ${result.status})`);
}

/** Starts the local single-node broker (fetching its jars from Maven Central the first time). */
export function startKafka(root: string, node: KafkaNode): string {
  run(root, 'start', node);
  return `127.0.0.1:${node.port}`;
}

export function stopKafka(root: string, node: KafkaNode): void {
  run(root, 'stop', node);
}
