import { ConfigInvalid, loadConfig } from '@ordo/config';
import { Admin, Kafka } from 'kafkajs';
import { messagingConfig, messagingSettings } from './kafka-config';
import { ensureTopics } from './topic-admin';

/** The admin calls ensureTopics makes: what exists, what it creates, and leaders that come after a while. */
function fakeKafka(existing: string[], leaderlessReads = 0) {
  const created: Parameters<Admin['createTopics']>[0][] = [];
  let reads = 0;
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => existing,
    createTopics: async (request: Parameters<Admin['createTopics']>[0]) => {
      created.push(request);
      return true;
    },
    fetchTopicMetadata: async () => {
      reads += 1;
      // A cluster's other brokers learn of new topics a moment after the controller created them.
      const topics =
        reads <= leaderlessReads ? existing : [...existing, ...created.flatMap((request) => request.topics.map((topic) => topic.topic))];
      return { topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 2, replicas: [2, 3, 1], isr: [2, 3, 1] }] })) };
    },
  };
  return { kafka: { admin: () => admin } as unknown as Kafka, created, reads: () => reads };
}

describe('ensureTopics', () => {
  it('creates the missing topics with three replicas and min.insync.replicas, and waits for their leaders', async () => {
    const { kafka, created, reads } = fakeKafka(['ordo.prescriptions'], 2);
    const missing = await ensureTopics(kafka, {
      partitions: 6,
      replicationFactor: 3,
      minInsyncReplicas: 2,
      topics: ['ordo.prescriptions', 'ordo.dispensing'],
    });
    expect(missing).toEqual(['ordo.dispensing']);
    expect(created[0].topics).toEqual([
      { topic: 'ordo.dispensing', numPartitions: 6, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] },
    ]);
    expect(reads()).toBe(3);
  });

  it('leaves min.insync.replicas to the broker below three replicas, where requiring two would stop writes when one broker is away', async () => {
    const { kafka, created } = fakeKafka([]);
    await ensureTopics(kafka, { partitions: 3, replicationFactor: 1, minInsyncReplicas: 2, topics: ['ordo.fraud'] });
    expect(created[0].topics[0].configEntries).toEqual([]);
  });
});

describe('messaging settings', () => {
  const values = (env: NodeJS.ProcessEnv) => loadConfig(messagingSettings('dispensing'), env);

  it('asks two in-sync replicas of three by default, and makes the service producers idempotent', () => {
    expect(messagingConfig(values({ KAFKA_REPLICATION_FACTOR: '3' }))).toMatchObject({
      replicationFactor: 3,
      minInsyncReplicas: 2,
      partitions: 3,
      idempotentProducers: true,
    });
  });

  it('refuses more in-sync replicas than replicas, which would refuse every write', () => {
    expect(() => messagingConfig(values({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '4' }))).toThrow(ConfigInvalid);
    expect(() => messagingConfig(values({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '4' }))).toThrow(
      /KAFKA_MIN_INSYNC_REPLICAS="4".*KAFKA_REPLICATION_FACTOR \(3\)/,
    );
  });
});
