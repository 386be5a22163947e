import { Kafka } from 'kafkajs';
import { allTopics } from '@ordo/contracts';

/**
 * Creates Ordo's topics (and their dead-letter topics) up front: the broker runs with
 * auto-creation off, so a typo in a topic name fails loudly instead of creating a new topic.
 */
export async function ensureTopics(
  kafka: Kafka,
  options: { partitions: number; replicationFactor: number; topics?: string[] },
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = (options.topics ?? allTopics()).filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: options.partitions,
          replicationFactor: options.replicationFactor,
        })),
      });
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}
