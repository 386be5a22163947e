import { Admin, Kafka } from 'kafkajs';
import { allTopics } from '@ordo/contracts';
import { MIN_REPLICAS_FOR_MIN_INSYNC } from './kafka-config';

export interface TopicLayout {
  partitions: number;
  replicationFactor: number;
  /** Set on topics of `MIN_REPLICAS_FOR_MIN_INSYNC` replicas or more; below, the broker's (1). */
  minInsyncReplicas?: number;
  topics?: string[];
}

/** How long new topics may take to have a leader for every partition, as every broker sees it. */
const LEADERS_WAIT_MS = 30_000;

/**
 * Creates Ordo's topics (and their dead-letter topics) up front: the broker runs with
 * auto-creation off, so a typo in a topic name fails loudly instead of creating a new topic.
 * With three replicas or more, each topic requires `minInsyncReplicas` of them to hold a write
 * before it is acknowledged, so a write acknowledged survives the loss of a broker.
 */
export async function ensureTopics(kafka: Kafka, options: TopicLayout): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = (options.topics ?? allTopics()).filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await createTopics(admin, missing, options);
      await waitForLeaders(admin, missing);
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}

async function createTopics(admin: Admin, topics: string[], options: TopicLayout): Promise<void> {
  const configEntries =
    options.replicationFactor >= MIN_REPLICAS_FOR_MIN_INSYNC && options.minInsyncReplicas !== undefined
      ? [{ name: 'min.insync.replicas', value: String(options.minInsyncReplicas) }]
      : [];
  // Several services start together and create the same topics: kafkajs answers false, not an
  // error, when every one of them was there already.
  await admin.createTopics({
    // Waited for below: kafkajs's own wait fails on a cluster (see waitForLeaders).
    waitForLeaders: false,
    topics: topics.map((topic) => ({
      topic,
      numPartitions: options.partitions,
      replicationFactor: options.replicationFactor,
      configEntries,
    })),
  });
}

/**
 * kafkajs's own `waitForLeaders` gives up when the broker it asks does not know a topic yet, which
 * on a cluster happens for a few milliseconds after the controller created it. Asking for every
 * topic (rather than naming them, which a broker that has not heard of one answers with an error
 * kafkajs logs) until ours are there with a leader for each partition waits it out quietly.
 */
async function waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + LEADERS_WAIT_MS;
  let lastProblem = '';
  while (Date.now() < deadline) {
    try {
      const { topics: known } = await admin.fetchTopicMetadata();
      const led = new Set(
        known
          .filter((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0))
          .map((topic) => topic.name),
      );
      const waitingFor = topics.filter((topic) => !led.has(topic));
      if (waitingFor.length === 0) return;
      lastProblem = `no leader yet for every partition of ${waitingFor.join(', ')}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`topics without a leader for every partition after ${LEADERS_WAIT_MS} ms: ${lastProblem}`);
}
