// The second baseline: one raw kafkajs hop on the benchmark's broker, a message produced (acks=all,
// as the outbox relay sends) and read back by a consumer in this process, with a fixed number of
// messages in flight. Propagation (issued → visible in dispensing) is one such hop plus the outbox
// before it and the consumer's transaction after it; the fraud check is two hops.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka } from 'kafkajs';
import { percentile, sortedCopy } from '../support/stats';

export interface RoundTripResult {
  inFlight: number;
  seconds: number;
  perSecond: number;
  count: number;
  latency: { p50: number; p97_5: number; p99: number; max: number };
}

const TOPIC = 'bench.lc.hop';

export async function kafkaRoundTrips(
  kafka: Kafka,
  inFlight: number,
  warmupSeconds: number,
  seconds: number,
  log: (line: string) => void,
): Promise<RoundTripResult> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(TOPIC)) await admin.createTopics({ waitForLeaders: true, topics: [{ topic: TOPIC, numPartitions: 3 }] });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `ordo-bench-lc-hop-${randomUUID()}`, allowAutoTopicCreation: false });
  const waiting = new Map<string, () => void>();
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    // As the services consume: one message at a time per partition, three partitions at once.
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ message }) => {
        const key = message.key?.toString() ?? '';
        waiting.get(key)?.();
      },
    });
    await joined;
    // A consumer that has just joined may still be fetching its starting offsets.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // A ~1.2 KB value, the size of an issued prescription's CloudEvent.
    const value = JSON.stringify({ data: 'x'.repeat(1150) });
    const phase = async (duration: number) => {
      const latencies: number[] = [];
      const end = performance.now() + duration * 1000;
      const begin = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (performance.now() < end) {
            const key = randomUUID();
            const t0 = performance.now();
            const arrived = new Promise<void>((resolve) => waiting.set(key, resolve));
            await producer.send({ topic: TOPIC, acks: -1, messages: [{ key, value }] });
            await Promise.race([arrived, new Promise((resolve) => setTimeout(resolve, 10000))]);
            waiting.delete(key);
            latencies.push(performance.now() - t0);
          }
        }),
      );
      return { latencies, seconds: (performance.now() - begin) / 1000 };
    };
    log(`kafka hop: warm-up ${warmupSeconds}s, ${inFlight} in flight`);
    await phase(warmupSeconds);
    log(`kafka hop: measuring ${seconds}s`);
    const measured = await phase(seconds);
    const sorted = sortedCopy(measured.latencies);
    return {
      inFlight,
      seconds: measured.seconds,
      count: sorted.length,
      perSecond: sorted.length / measured.seconds,
      latency: {
        p50: percentile(sorted, 50),
        p97_5: percentile(sorted, 97.5),
        p99: percentile(sorted, 99),
        max: sorted[sorted.length - 1],
      },
    };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}
