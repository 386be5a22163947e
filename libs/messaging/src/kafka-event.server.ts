import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import {
  CloudEvent,
  InvalidEventData,
  MalformedEvent,
  UnknownEventType,
  contractOf,
  decodeEventData,
  parseCloudEvent,
} from '@ordo/contracts';
import { metrics, runWithTrace } from '@ordo/observability';
import { Consumer, EachBatchPayload, EachMessagePayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { DataSource, EntityManager } from 'typeorm';
import { DeadLetterReason, sendToDeadLetters } from './dead-letters';
import { EventBatch, EventContext } from './event-context';
import { isInfrastructureError } from './transient-errors';

export interface KafkaEventServerOptions {
  kafka: Kafka;
  dataSource: DataSource;
  service: string;
  groupId: string;
  topics: string[];
  /** Tries of a failing handler before its message goes to the dead-letter topic. */
  handlerAttempts: number;
  sessionTimeoutMs: number;
  /** Read a topic from its start when the group has no committed offset (default true). */
  fromBeginning?: boolean;
  /**
   * Up to this many events of one partition applied in one transaction (default 1: one transaction
   * per event). With more, the partitions are consumed one batch at a time, so a service whose
   * handlers lock shared state (fraud's patients) never has two of its batches waiting on each other.
   */
  batchSize?: number;
}

class DeadLetterable extends Error {
  constructor(
    readonly reason: DeadLetterReason,
    message: string,
  ) {
    super(message);
  }
}

type Outcome = 'applied' | 'duplicate' | 'ignored' | 'dead-lettered';

/**
 * A Nest transport that turns Kafka messages into `@EventPattern(type)` calls, exactly once in effect:
 * each event's id goes into the inbox in the same transaction as the handler's writes, and the offset
 * is committed only after that transaction. Messages that cannot be parsed, carry an unknown type or
 * invalid data, or fail every try go to `<topic>.dlq`, and the partition moves on.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(KafkaEventServer.name);
  private consumer?: Consumer;
  private producer?: Producer;

  constructor(private readonly options: KafkaEventServerOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Waits for in-flight messages to finish, then leaves the group. */
  async close(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  /** Nest's lookup normalises the pattern on every call; event types are plain strings, so it is done once per type. */
  private readonly handlers = new Map<string, MessageHandler | null>();

  private handlerFor(type: string): MessageHandler | null {
    if (!this.handlers.has(type)) this.handlers.set(type, this.getHandlerByPattern(type));
    return this.handlers.get(type)!;
  }

  on(): never {
    throw new Error('KafkaEventServer does not emit status events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private async start(): Promise<void> {
    const { kafka, groupId, topics, fromBeginning = true } = this.options;
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    this.consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: Math.max(1000, Math.floor(this.options.sessionTimeoutMs / 10)),
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning });
    const batchSize = this.options.batchSize ?? 1;
    if (batchSize > 1) {
      await this.consumer.run({
        autoCommit: true,
        autoCommitInterval: 500,
        partitionsConsumedConcurrently: 1,
        // Offsets are resolved by hand, each only after the transaction that applied it committed.
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.handleBatch(payload, batchSize),
      });
    } else {
      await this.consumer.run({
        autoCommit: true,
        autoCommitInterval: 500,
        partitionsConsumedConcurrently: 3,
        // kafkajs marks an offset for commit only when this returns, i.e. after our transaction committed.
        eachMessage: (payload) => this.handleMessage(payload),
      });
    }
    this.logger.log(`consuming ${topics.join(', ')} as group ${groupId}${batchSize > 1 ? ` in batches of up to ${batchSize}` : ''}`);
  }

  /**
   * A fetched batch, in chunks of `batchSize` messages, each chunk's events applied in one transaction
   * with their inbox rows. If a handler fails, that chunk is rolled back and replayed one message per
   * transaction, so only the failing message is retried and dead-lettered.
   */
  private async handleBatch(payload: EachBatchPayload, batchSize: number): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    for (let start = 0; start < batch.messages.length; start += batchSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + batchSize);
      await this.applyChunk(batch.topic, batch.partition, chunk);
      resolveOffset(chunk[chunk.length - 1].offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  private async applyChunk(topic: string, partition: number, messages: KafkaMessage[]): Promise<void> {
    const started = process.hrtime.bigint();
    const readable: { message: KafkaMessage; event: CloudEvent }[] = [];
    const unreadable: { message: KafkaMessage; error: DeadLetterable }[] = [];
    const ignored: string[] = [];
    for (const message of messages) {
      try {
        const event = this.decode(message.value);
        if (this.handlerFor(event.type)) readable.push({ message, event });
        else ignored.push(event.type);
      } catch (error) {
        if (!(error instanceof DeadLetterable)) throw error;
        unreadable.push({ message, error });
      }
    }
    const offsets = new Map(readable.map((r) => [r.event, r.message.offset]));
    let applied: CloudEvent[];
    try {
      applied = await this.inTransaction({ topic, partition }, async (manager, open) => {
        const recorded: { event_id: string }[] = readable.length
          ? await manager.query(
              `INSERT INTO inbox (event_id, type, topic)
               SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING RETURNING event_id`,
              [readable.map((r) => r.event.id), readable.map((r) => r.event.type), readable.map(() => topic)],
            )
          : [];
        // The first copy of each new event, in partition order; repeats (the relay may publish twice) are dropped.
        const fresh = new Set(recorded.map((row) => row.event_id));
        const events = readable.map((r) => r.event).filter((event) => fresh.delete(event.id));
        const batch = open(events);
        for (const event of events) {
          const origin = { topic, partition, offset: offsets.get(event)! };
          await this.invokeTraced(event, new EventContext([event, manager, origin, batch]));
        }
        return events;
      });
    } catch (error) {
      if (isInfrastructureError(error)) throw error; // kafkajs fetches the chunk again
      this.logger.warn(
        `batch of ${messages.length} from ${topic}[${partition}] failed (${(error as Error).message}); applying it one message at a time`,
      );
      for (const message of messages)
        await this.handleMessage({ topic, partition, message, heartbeat: async () => {}, pause: () => () => {} });
      return;
    }
    for (const { message, error } of unreadable) {
      await this.deadLetter(topic, partition, message, error);
      metrics.eventsConsumed.inc({ type: 'unparsed', outcome: 'dead-lettered' });
    }
    for (const type of ignored) metrics.eventsConsumed.inc({ type, outcome: 'ignored' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const event of applied) {
      metrics.eventsConsumed.inc({ type: event.type, outcome: 'applied' });
      metrics.handlerDuration.observe({ type: event.type }, seconds / Math.max(applied.length, 1));
    }
    const duplicates = readable.length - applied.length;
    if (duplicates > 0) metrics.eventsConsumed.inc({ type: 'batch', outcome: 'duplicate' }, duplicates);
  }

  private async handleMessage(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    let type = 'unparsed';
    let outcome: Outcome;
    const started = process.hrtime.bigint();
    try {
      const event = this.decode(message.value);
      type = event.type;
      outcome = await runWithTrace({ correlationId: event.correlationid, causationId: event.id }, () =>
        this.applyWithRetries(event, { topic, partition, offset: message.offset }),
      );
    } catch (error) {
      if (!(error instanceof DeadLetterable)) throw error; // infrastructure: kafkajs retries the same message
      await this.deadLetter(topic, partition, message, error);
      outcome = 'dead-lettered';
    }
    metrics.eventsConsumed.inc({ type, outcome });
    if (outcome === 'applied') {
      metrics.handlerDuration.observe({ type }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, error: DeadLetterable): Promise<void> {
    this.logger.warn(`dead-lettering ${topic}[${partition}]@${message.offset}: ${error.reason}: ${error.message}`);
    await sendToDeadLetters(this.producer!, {
      topic,
      partition,
      message,
      reason: error.reason,
      error: error.message,
      group: this.options.groupId,
      service: this.options.service,
    });
  }

  /** One event through the handler of its type, in the caller's transaction and batch. */
  private async invoke(event: CloudEvent, context: EventContext): Promise<void> {
    const handler = this.handlerFor(event.type);
    if (!handler) return;
    const result = await handler(event.data, context);
    await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }

  private invokeTraced(event: CloudEvent, context: EventContext): Promise<void> {
    return runWithTrace({ correlationId: event.correlationid, causationId: event.id }, () => this.invoke(event, context));
  }

  /**
   * One transaction applying events of a partition: `apply` opens the batch once it knows which
   * events are new; the batch's before-commit steps run before COMMIT, its after-commit or
   * after-abort steps once the outcome is known.
   */
  private async inTransaction<T>(
    origin: { topic: string; partition: number },
    apply: (manager: EntityManager, open: (events: CloudEvent[]) => EventBatch) => Promise<T>,
  ): Promise<T> {
    let batch: EventBatch | undefined;
    try {
      const result = await this.options.dataSource.transaction(async (manager) => {
        const value = await apply(manager, (events) => {
          const opened: EventBatch = new EventBatch(events, (held) =>
            this.invokeTraced(held, new EventContext([held, manager, { ...origin, offset: '' }, opened])),
          );
          batch = opened;
          return opened;
        });
        await batch?.complete(manager);
        return value;
      });
      batch?.committed();
      return result;
    } catch (error) {
      batch?.aborted();
      throw error;
    }
  }

  private decode(value: Buffer | null): CloudEvent {
    let event: CloudEvent;
    try {
      event = parseCloudEvent(value);
    } catch (error) {
      throw new DeadLetterable('malformed', (error as MalformedEvent).message);
    }
    const contract = contractOf(event.type);
    if (!contract) throw new DeadLetterable('unknown-type', new UnknownEventType(`unknown event type ${event.type}`).message);
    // An event this service ignores is not validated: its data is never read here.
    if (!this.handlerFor(event.type)) return event;
    try {
      event.data = decodeEventData(contract, event.data);
    } catch (error) {
      if (error instanceof InvalidEventData) throw new DeadLetterable('invalid-data', error.message);
      throw error;
    }
    return event;
  }

  private async applyWithRetries(event: CloudEvent, origin: { topic: string; partition: number; offset: string }): Promise<Outcome> {
    if (!this.handlerFor(event.type)) return 'ignored'; // a known event this service has no interest in
    const attempts = this.options.handlerAttempts;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inTransaction(origin, async (manager, open): Promise<Outcome> => {
          const recorded: unknown[] = await manager.query(
            'INSERT INTO inbox (event_id, type, topic) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING event_id',
            [event.id, event.type, origin.topic],
          );
          if (recorded.length === 0) return 'duplicate'; // opens no batch
          await this.invoke(event, new EventContext([event, manager, origin, open([event])]));
          return 'applied';
        });
      } catch (error) {
        if (isInfrastructureError(error)) throw error;
        if (attempt >= attempts) {
          throw new DeadLetterable('handler-failed', `${(error as Error).message} (after ${attempts} tries)`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }
}
