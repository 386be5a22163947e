import { Logger, Producer, ProducerBatch, ProducerRecord, RecordMetadata } from 'kafkajs';
import { allAcknowledged } from './acknowledged-partitions';

/** One kafkajs producer: one producer id, with its own sequence numbers per partition. */
interface Session {
  producer: Producer;
  connecting?: Promise<void>;
  sending: number;
  retired: boolean;
}

/** A listener of the producer's events, given to every session, and how to take it off each. */
interface Listener {
  eventName: Parameters<Producer['on']>[0];
  listener: Parameters<Producer['on']>[1];
  removers: (() => void)[];
}

/**
 * A producer that writes each message once, with `acks=all`, however often kafkajs has to retry it
 * (a lost acknowledgement, a partition leader that died): the broker drops a retried batch it
 * already holds by the producer id and sequence number it carries (kafkajs's `idempotent`).
 *
 * kafkajs keeps those sequence numbers when a send fails after its last retry, and rewinds them,
 * while the broker may have written the batch: the next send from the same producer id would then
 * be taken for that batch (and dropped as a repeat) or refused as out of order, again and again
 * (tulios/kafkajs#598). So after a failed send this starts a new session, a new producer with a new
 * producer id; the caller sends again, possibly a copy of what the broker already had, which the
 * consumers' inboxes drop. Sends in flight on the old session finish there; it is disconnected
 * once they have.
 *
 * A send kafkajs reports done is checked for an acknowledgement of every partition it put messages
 * in (the producers it is given partition with `rememberingPartitioner`): kafkajs can resolve a send
 * whose messages for a partition that changed leader were never sent (`UnacknowledgedPartitions`).
 * Such a send fails like any other, on a new producer id.
 *
 * kafkajs refuses fewer acknowledgements than all on an idempotent producer: a send that asks for
 * fewer is given all, one more replication round trip.
 */
export class IdempotentProducer implements Producer {
  private session: Session;
  private readonly retiring = new Set<Session>();
  private readonly listeners: Listener[] = [];
  private stopping = false;

  constructor(
    private readonly open: () => Producer,
    private readonly log: Logger,
  ) {
    this.session = this.newSession();
  }

  get events(): Producer['events'] {
    return this.session.producer.events;
  }

  async connect(): Promise<void> {
    this.stopping = false;
    await this.connected(this.session);
  }

  async disconnect(): Promise<void> {
    this.stopping = true;
    const sessions = [this.session, ...this.retiring];
    this.retiring.clear();
    await Promise.all(sessions.map((session) => session.producer.disconnect()));
  }

  isIdempotent(): boolean {
    return true;
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const sent = [{ topic: record.topic, messages: record.messages }];
    return this.through(async (producer) => allAcknowledged(sent, await producer.send({ ...record, acks: -1 })));
  }

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.through(async (producer) => allAcknowledged(batch.topicMessages ?? [], await producer.sendBatch({ ...batch, acks: -1 })));
  }

  on: Producer['on'] = ((eventName: Listener['eventName'], listener: Listener['listener']) => {
    const entry: Listener = { eventName, listener, removers: [this.session.producer.on(eventName, listener)] };
    this.listeners.push(entry);
    return () => {
      this.listeners.splice(this.listeners.indexOf(entry), 1);
      entry.removers.forEach((remove) => remove());
    };
  }) as Producer['on'];

  transaction(): ReturnType<Producer['transaction']> {
    return this.session.producer.transaction();
  }

  logger(): Logger {
    return this.session.producer.logger();
  }

  private newSession(): Session {
    const producer = this.open();
    for (const entry of this.listeners) entry.removers.push(producer.on(entry.eventName, entry.listener));
    return { producer, sending: 0, retired: false };
  }

  private connected(session: Session): Promise<void> {
    session.connecting ??= session.producer.connect().catch((error: unknown) => {
      session.connecting = undefined;
      throw error;
    });
    return session.connecting;
  }

  private async through(write: (producer: Producer) => Promise<RecordMetadata[]>): Promise<RecordMetadata[]> {
    const session = this.session;
    session.sending += 1;
    try {
      // A session started after a failure connects on its first send.
      await this.connected(session);
      return await write(session.producer);
    } catch (error) {
      this.renew(session, error as Error);
      throw error;
    } finally {
      session.sending -= 1;
      if (session.retired && session.sending === 0) this.close(session);
    }
  }

  private renew(failed: Session, error: Error): void {
    if (failed !== this.session || this.stopping) return;
    this.log.warn(`a send failed (${error.message}); the next goes through a new producer id`);
    failed.retired = true;
    this.retiring.add(failed);
    this.session = this.newSession();
  }

  private close(session: Session): void {
    if (!this.retiring.delete(session)) return;
    session.producer.disconnect().catch((error: Error) => this.log.warn(`an old producer did not disconnect: ${error.message}`));
  }
}
