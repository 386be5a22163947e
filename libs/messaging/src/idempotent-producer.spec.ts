import { Logger, PartitionMetadata, Producer, ProducerBatch, ProducerRecord, RecordMetadata, TopicMessages } from 'kafkajs';
import { UnacknowledgedPartitions, rememberingPartitioner } from './acknowledged-partitions';
import { IdempotentProducer } from './idempotent-producer';

const SIX_PARTITIONS: PartitionMetadata[] = Array.from({ length: 6 }, (_, partitionId) => ({
  partitionId,
  leader: 1 + (partitionId % 3),
  partitionErrorCode: 0,
  replicas: [1, 2, 3],
  isr: [1, 2, 3],
}));

/**
 * A kafkajs producer that records what it was asked, places each message as kafkajs would (with the
 * partitioner services are given) and answers for every partition it put messages in, except those
 * it is told to leave out; it fails the sends it is told to.
 */
function fakeProducers() {
  const made: {
    sent: (ProducerRecord | ProducerBatch)[];
    connects: number;
    disconnects: number;
    failNext: boolean;
    unanswered: number[];
  }[] = [];
  const open = () => {
    const state = {
      sent: [] as (ProducerRecord | ProducerBatch)[],
      connects: 0,
      disconnects: 0,
      failNext: false,
      unanswered: [] as number[],
    };
    made.push(state);
    const place = rememberingPartitioner()();
    const write = async (what: ProducerRecord | ProducerBatch) => {
      if (state.failNext) {
        state.failNext = false;
        throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
      }
      state.sent.push(what);
      const topicMessages: TopicMessages[] =
        'topic' in what ? [{ topic: what.topic, messages: what.messages }] : (what.topicMessages ?? []);
      const answers = new Map<string, RecordMetadata>();
      for (const { topic, messages } of topicMessages)
        for (const message of messages) {
          const partition = place({ topic, partitionMetadata: SIX_PARTITIONS, message });
          if (!state.unanswered.includes(partition)) answers.set(`${topic}[${partition}]`, { topicName: topic, partition, errorCode: 0 });
        }
      return [...answers.values()];
    };
    return {
      connect: async () => void (state.connects += 1),
      disconnect: async () => void (state.disconnects += 1),
      send: write,
      sendBatch: write,
      on: () => () => undefined,
      events: {},
    } as unknown as Producer;
  };
  const warnings: string[] = [];
  const log = { warn: (message: string) => warnings.push(message) } as unknown as Logger;
  return { made, open, log, warnings };
}

describe('IdempotentProducer', () => {
  it('sends with acks=all whatever the caller asks, kafkajs refusing fewer on an idempotent producer', async () => {
    const { made, open, log } = fakeProducers();
    const producer = new IdempotentProducer(open, log);
    await producer.connect();
    await producer.send({ topic: 'ordo.fraud.checks.reply', acks: 1, messages: [{ value: 'verdict' }] });
    await producer.sendBatch({ topicMessages: [{ topic: 'ordo.prescriptions', messages: [{ value: 'issued' }] }] });
    expect(made[0].sent.map((sent) => sent.acks)).toEqual([-1, -1]);
  });

  it('goes on with a new producer id after a failed send, and closes the old one', async () => {
    const { made, open, log, warnings } = fakeProducers();
    const producer = new IdempotentProducer(open, log);
    await producer.connect();
    made[0].failNext = true;
    await expect(producer.send({ topic: 'ordo.prescriptions', messages: [{ value: 'issued' }] })).rejects.toThrow('ECONNREFUSED');
    expect(made).toHaveLength(2);
    expect(made[0].disconnects).toBe(1);
    expect(warnings).toEqual([expect.stringContaining('new producer id')]);

    await producer.send({ topic: 'ordo.prescriptions', messages: [{ value: 'issued again' }] });
    expect(made[1]).toMatchObject({ connects: 1, sent: [expect.objectContaining({ messages: [{ value: 'issued again' }] })] });
  });

  it('refuses a send kafkajs answered without acknowledging every partition it put messages in, and goes on with a new producer id', async () => {
    const { made, open, log, warnings } = fakeProducers();
    const producer = new IdempotentProducer(open, log);
    await producer.connect();
    const events = ['PA', 'PB', 'PC', 'PD', 'PE', 'PF', 'PG', 'PH'].map((key) => ({ key, value: `issued ${key}` }));
    const batch = { topicMessages: [{ topic: 'ordo.prescriptions', messages: events }] };
    const written = await producer.sendBatch(batch);
    const partitions = written.map((answer) => answer.partition).sort();
    expect(partitions.length).toBeGreaterThan(1);

    // The leader of one partition died during the send; kafkajs resolved without sending it anything.
    made[0].unanswered = [partitions[0]];
    const refused = await producer.sendBatch(batch).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UnacknowledgedPartitions);
    expect((refused as UnacknowledgedPartitions).partitions).toEqual([`ordo.prescriptions[${partitions[0]}]`]);
    expect(warnings).toEqual([expect.stringContaining('new producer id')]);

    expect(await producer.sendBatch(batch)).toHaveLength(partitions.length);
    expect(made[1].sent).toHaveLength(1);
  });

  it('checks a single send the same way', async () => {
    const { made, open, log } = fakeProducers();
    const producer = new IdempotentProducer(open, log);
    await producer.connect();
    made[0].unanswered = [0, 1, 2, 3, 4, 5];
    await expect(producer.send({ topic: 'ordo.fraud.checks', messages: [{ key: 'C1', value: 'check' }] })).rejects.toThrow(
      /no broker acknowledged the messages for ordo\.fraud\.checks\[\d\]/,
    );
  });

  it('lets sends in flight on the old producer finish before closing it', async () => {
    const { made, log } = fakeProducers();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const open = () => {
      const state = { sent: [] as string[], connects: 0, disconnects: 0, failNext: false };
      made.push(state as never);
      const place = rememberingPartitioner()();
      return {
        connect: async () => undefined,
        disconnect: async () => void (state.disconnects += 1),
        send: async ({ topic, messages }: ProducerRecord) => {
          const call = ++calls;
          if (call === 1) await slow;
          if (call === 2) throw new Error('NOT_LEADER_FOR_PARTITION');
          return messages.map((message) => ({
            topicName: topic,
            partition: place({ topic, partitionMetadata: SIX_PARTITIONS, message }),
            errorCode: 0,
          }));
        },
        on: () => () => undefined,
      } as unknown as Producer;
    };
    const producer = new IdempotentProducer(open, log);
    await producer.connect();
    const inFlight = producer.send({ topic: 't', messages: [{ value: 'a' }] });
    await expect(producer.send({ topic: 't', messages: [{ value: 'b' }] })).rejects.toThrow('NOT_LEADER');
    expect(made[0].disconnects).toBe(0);
    release();
    await inFlight;
    expect(made[0].disconnects).toBe(1);
  });

  it('disconnects every producer it opened', async () => {
    const { made, open, log } = fakeProducers();
    const producer = new IdempotentProducer(open, log);
    await producer.connect();
    await producer.disconnect();
    expect(made.map((state) => state.disconnects)).toEqual([1]);
    expect(producer.isIdempotent()).toBe(true);
  });
});
