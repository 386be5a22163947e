import { Logger, Producer, ProducerBatch, ProducerRecord } from 'kafkajs';
import { IdempotentProducer } from './idempotent-producer';

/** A kafkajs producer that records what it was asked and fails the sends it is told to. */
function fakeProducers() {
  const made: { sent: (ProducerRecord | ProducerBatch)[]; connects: number; disconnects: number; failNext: boolean }[] = [];
  const open = () => {
    const state = { sent: [] as (ProducerRecord | ProducerBatch)[], connects: 0, disconnects: 0, failNext: false };
    made.push(state);
    const write = async (what: ProducerRecord | ProducerBatch) => {
      if (state.failNext) {
        state.failNext = false;
        throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
      }
      state.sent.push(what);
      return [];
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

  it('lets sends in flight on the old producer finish before closing it', async () => {
    const { made, log } = fakeProducers();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const open = () => {
      const state = { sent: [] as string[], connects: 0, disconnects: 0, failNext: false };
      made.push(state as never);
      return {
        connect: async () => undefined,
        disconnect: async () => void (state.disconnects += 1),
        send: async () => {
          const call = ++calls;
          if (call === 1) await slow;
          if (call === 2) throw new Error('NOT_LEADER_FOR_PARTITION');
          return [];
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
