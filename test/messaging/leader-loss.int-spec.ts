// A send that spans two brokers while the leader of one of its partitions dies, on a three-node
// cluster of the test's own: the partition moves to the other broker, which had already answered
// for its own partition. kafkajs alone then reports the send done with no acknowledgement for that
// partition (its retry skips every broker that answered): usually nothing was written there, but a
// caller cannot tell. The services' producer (`createKafka`, IdempotentProducer) refuses the send
// instead, so the outbox relay keeps the events and sends them again. What each topic holds is read
// back from the brokers.
import { UnacknowledgedPartitions, createKafka } from '@ordo/messaging';
import { Kafka, Producer, logLevel } from 'kafkajs';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  KafkaCluster,
  describeReplication,
  kafkaClusterLayout,
  killBroker,
  startKafkaCluster,
  stopKafkaCluster,
} from '../../tools/local/kafka-cluster';

const root = resolve(__dirname, '..', '..');
/** Ports of this test's own: Kafka 29792/29794/29796, controllers one above. */
const KAFKA_PORT = 29792;
/** Partition 0 led by broker 1, then by broker 2 (the next in its replica list); partition 1 by broker 2. */
const REPLICAS = [
  { partition: 0, replicas: [1, 2, 3] },
  { partition: 1, replicas: [2, 3, 1] },
];
/** Long enough for the controller to fence the dead broker (9 s) and move its partitions. */
const RETRY = { initialRetryTime: 200, maxRetryTime: 1000, retries: 40 };
const quiet = { logLevel: logLevel.NOTHING, retry: RETRY };

describe('a send across two brokers while one of them dies', () => {
  let cluster: KafkaCluster;
  let admin: ReturnType<Kafka['admin']>;
  const producers: Producer[] = [];

  beforeAll(async () => {
    const layout = kafkaClusterLayout(root, {
      port: KAFKA_PORT,
      clusterDir: join(root, '.local', `kafka-cluster-test-${KAFKA_PORT}`),
      heap: '384m',
    });
    // A cluster left over from an interrupted run holds the ports; stop it before wiping its data.
    stopKafkaCluster(root, layout);
    rmSync(layout.clusterDir, { recursive: true, force: true });
    cluster = startKafkaCluster(root, layout.options);
    admin = createKafka({ brokers: cluster.brokers.split(','), clientId: 'ordo-test-leader-loss' }, quiet).admin();
    await admin.connect();
  }, 180_000);

  afterAll(async () => {
    await Promise.all(producers.map((producer) => producer.disconnect().catch(() => undefined)));
    await admin?.disconnect();
    if (cluster) stopKafkaCluster(root, cluster);
  }, 120_000);

  /** A producer, connected, that has written one message to each partition of `topic` (its metadata loaded). */
  async function ready(kafka: Kafka, topic: string): Promise<Producer> {
    await admin.createTopics({
      waitForLeaders: false,
      topics: [{ topic, replicaAssignment: REPLICAS, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
    });
    await untilLed(topic, [1, 2]);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    producers.push(producer);
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: REPLICAS.map(({ partition }) => ({ partition, value: 'warm-up' })) });
    return producer;
  }

  /** Until the partitions of `topic` have these leaders (by partition) and `inSync` replicas each. */
  async function untilLed(topic: string, leaders: number[], inSync = 3): Promise<void> {
    for (let tries = 0; ; tries++) {
      const described = await describeReplication(cluster.brokers, [topic]).catch(() => []);
      const partitions = described[0]?.partitions ?? [];
      if (partitions.map((p) => p.leader).join() === leaders.join() && partitions.every((p) => p.isr.length === inSync)) return;
      if (tries === 200) throw new Error(`${topic}: ${JSON.stringify(partitions)}, not led by ${leaders.join()}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  /** How many messages each partition of `topic` holds, read by a client of its own (fresh metadata) once broker 2 leads both. */
  async function held(topic: string): Promise<number[]> {
    await untilLed(topic, [2, 2], 2);
    const reader = createKafka({ brokers: cluster.brokers.split(','), clientId: 'ordo-test-leader-loss-reader' }, quiet).admin();
    await reader.connect();
    try {
      const offsets = await reader.fetchTopicOffsets(topic);
      return offsets.sort((a, b) => a.partition - b.partition).map((offset) => Number(offset.high));
    } finally {
      await reader.disconnect();
    }
  }

  it('is refused by the services’ producer, where kafkajs alone reports it done with a partition unacknowledged', async () => {
    const brokers = cluster.brokers.split(',');
    const plain = await ready(new Kafka({ brokers, clientId: 'ordo-test-plain', ...quiet }), 'ordo.test.leader-loss.plain');
    const ordo = await ready(
      createKafka({ brokers, clientId: 'ordo-test-services', idempotentProducers: true }, quiet),
      'ordo.test.leader-loss.ordo',
    );
    const batch = (topic: string) => ({
      acks: -1,
      topicMessages: [{ topic, messages: REPLICAS.map(({ partition }) => ({ partition, value: 'event' })) }],
    });

    killBroker(root, cluster, 1);
    const [plainSend, ordoSend] = await Promise.allSettled([
      plain.sendBatch(batch('ordo.test.leader-loss.plain')),
      ordo.sendBatch(batch('ordo.test.leader-loss.ordo')),
    ]);

    // The fault happened as described (`held` waits for it): partition 0 moved to broker 2.
    // kafkajs alone: done, with partition 1's acknowledgement only. Partition 0 usually holds the
    // warm-up alone (the send's message lost), but one run in several found it written: whatever
    // happened, no broker vouched for it, and a relay deleting its events on this answer may lose them.
    expect(plainSend.status).toBe('fulfilled');
    expect((plainSend as PromiseFulfilledResult<{ partition: number }[]>).value.map((answer) => answer.partition)).toEqual([1]);
    expect(await held('ordo.test.leader-loss.plain')).toEqual([expect.any(Number), 2]);

    // The services' producer: refused, naming the partition; sent again, both partitions hold the event.
    expect(ordoSend.status).toBe('rejected');
    const refusal = (ordoSend as PromiseRejectedResult).reason as Error;
    expect(refusal).toBeInstanceOf(UnacknowledgedPartitions);
    expect((refusal as UnacknowledgedPartitions).partitions).toEqual(['ordo.test.leader-loss.ordo[0]']);
    await ordo.sendBatch(batch('ordo.test.leader-loss.ordo'));
    // Both partitions hold the event after the warm-up, perhaps twice (written before the refusal,
    // and again): consumers' inboxes drop the copy.
    const [first, second] = await held('ordo.test.leader-loss.ordo');
    expect(first).toBeGreaterThanOrEqual(2);
    expect(second).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
