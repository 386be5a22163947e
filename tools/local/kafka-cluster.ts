// The local Kafka cluster (deploy/local/kafka-cluster.sh): three KRaft nodes from the same jars as
// the single broker, started, stopped, killed and restarted one node at a time, and what a test
// needs to know of it: which broker leads which partitions, and how topics are replicated.
import { createKafka } from '@ordo/messaging';
import { logLevel } from 'kafkajs';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolConfig } from './tool-settings';

export interface KafkaClusterOptions {
  /** Node 1's broker port; node n listens on port + 2(n-1), its controller one above. */
  port: number;
  /** 3 (the default) or more: a quorum that survives the loss of one node. */
  nodes?: number;
  /** Where the nodes keep their data (`node-<n>/`) and the cluster id; default `.local/kafka-cluster-<port>`. */
  clusterDir?: string;
  /** Each node's heap (KAFKA_HEAP otherwise). */
  heap?: string;
}

export interface KafkaClusterNode {
  /** The node id, which is also the broker id Kafka reports (leaders, replicas). */
  id: number;
  port: number;
  controllerPort: number;
  dataDir: string;
  pidFile: string;
}

export interface KafkaCluster {
  /** The bootstrap list, every node: `127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096`. */
  brokers: string;
  nodes: KafkaClusterNode[];
  clusterDir: string;
  options: KafkaClusterOptions;
}

/** Where each node of a cluster listens and keeps its data, without starting anything. */
export function kafkaClusterLayout(root: string, options: KafkaClusterOptions): KafkaCluster {
  const count = options.nodes ?? 3;
  const clusterDir = options.clusterDir ?? join(root, '.local', `kafka-cluster-${options.port}`);
  const nodes = Array.from({ length: count }, (_, index) => {
    const port = options.port + 2 * index;
    const dataDir = join(clusterDir, `node-${index + 1}`);
    return { id: index + 1, port, controllerPort: port + 1, dataDir, pidFile: join(dataDir, 'kafka.pid') };
  });
  return { brokers: nodes.map((node) => `127.0.0.1:${node.port}`).join(','), nodes, clusterDir, options };
}

function run(root: string, cluster: KafkaCluster, args: string[]): void {
  toolConfig(); // kafka.sh reads KAFKA_HEAP, KAFKA_LIBS_DIR…: refused here, with their names, before it starts
  const result = spawnSync('bash', [join(root, 'deploy', 'local', 'kafka-cluster.sh'), ...args], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      KAFKA_PORT: String(cluster.options.port),
      KAFKA_CLUSTER_NODES: String(cluster.nodes.length),
      KAFKA_CLUSTER_DIR: cluster.clusterDir,
      ...(cluster.options.heap ? { KAFKA_HEAP: cluster.options.heap } : {}),
    },
  });
  if (result.status !== 0) throw new Error(`deploy/local/kafka-cluster.sh ${args.join(' ')} failed (exit ${result.status})`);
}

/** Starts every node (fetching the jars the first time) and waits until all of them are brokers of the cluster. */
export function startKafkaCluster(root: string, options: KafkaClusterOptions): KafkaCluster {
  const cluster = kafkaClusterLayout(root, options);
  run(root, cluster, ['start']);
  return cluster;
}

export function stopKafkaCluster(root: string, cluster: KafkaCluster): void {
  run(root, cluster, ['stop']);
}

/** SIGKILL one node: no controlled shutdown, its partitions wait for the controller to fence it. */
export function killBroker(root: string, cluster: KafkaCluster, id: number): void {
  run(root, cluster, ['kill', String(id)]);
}

/** Starts a node again (after `killBroker`); it catches up as a follower before leading again. */
export function restartBroker(root: string, cluster: KafkaCluster, id: number): void {
  run(root, cluster, ['start-node', String(id)]);
}

/** The pid of a running node, as kafka.sh recorded it. */
export function brokerPid(node: Pick<KafkaClusterNode, 'pidFile'>): number | undefined {
  try {
    return Number(readFileSync(node.pidFile, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

export interface PartitionReplicas {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface TopicReplication {
  topic: string;
  partitions: PartitionReplicas[];
  /** The topic's own `min.insync.replicas`, or undefined when it takes the broker's. */
  minInsyncReplicas?: number;
}

/** Leaders, replicas and in-sync replicas of each partition, and each topic's `min.insync.replicas`, as the brokers report them. */
export async function describeReplication(brokers: string, topics: string[]): Promise<TopicReplication[]> {
  // Quiet: with a node down, kafkajs logs each refused connection before it tries the next node.
  const admin = createKafka({ brokers: brokers.split(','), clientId: 'ordo-cluster-describe' }, { logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      // 2 = TOPIC in Kafka's ConfigResource types.
      resources: topics.map((topic) => ({ type: 2, name: topic, configNames: ['min.insync.replicas'] })),
    });
    return metadata.map((topic) => {
      const entry = resources.find((resource) => resource.resourceName === topic.name)?.configEntries[0];
      // configSource 1 = set on the topic itself.
      const own = entry && entry.configSource === 1 ? Number(entry.configValue) : undefined;
      return {
        topic: topic.name,
        partitions: topic.partitions
          .map((partition) => ({
            partition: partition.partitionId,
            leader: partition.leader,
            replicas: partition.replicas,
            isr: partition.isr,
          }))
          .sort((a, b) => a.partition - b.partition),
        ...(own !== undefined ? { minInsyncReplicas: own } : {}),
      };
    });
  } finally {
    await admin.disconnect();
  }
}

/** The broker that leads the most partitions of `topic` (the lowest id on a tie) and how many. */
export async function leaderOfMostPartitions(brokers: string, topic: string): Promise<{ broker: number; partitions: number[] }> {
  const [described] = await describeReplication(brokers, [topic]);
  const led = new Map<number, number[]>();
  for (const partition of described.partitions) led.set(partition.leader, [...(led.get(partition.leader) ?? []), partition.partition]);
  const [broker, partitions] = [...led].sort((a, b) => b[1].length - a[1].length || a[0] - b[0])[0];
  return { broker, partitions };
}
