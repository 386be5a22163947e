import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
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
import { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { DeadLetterReason, sendToDeadLetters } from './dead-letters';
import { EventContext } from './event-context';
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
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: 500,
      partitionsConsumedConcurrently: 3,
      // kafkajs marks an offset for commit only when this returns, i.e. after our transaction committed.
      eachMessage: (payload) => this.handleMessage(payload),
    });
    this.logger.log(`consuming ${topics.join(', ')} as group ${groupId}`);
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
      outcome = 'dead-lettered';
    }
    metrics.eventsConsumed.inc({ type, outcome });
    if (outcome === 'applied') {
      metrics.handlerDuration.observe({ type }, Number(process.hrtime.bigint() - started) / 1e9);
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
    try {
      event.data = decodeEventData(contract, event.data);
    } catch (error) {
      if (error instanceof InvalidEventData) throw new DeadLetterable('invalid-data', error.message);
      throw error;
    }
    return event;
  }

  private async applyWithRetries(event: CloudEvent, origin: { topic: string; partition: number; offset: string }): Promise<Outcome> {
    const handler = this.getHandlerByPattern(event.type);
    if (!handler) return 'ignored'; // a known event this service has no interest in
    const attempts = this.options.handlerAttempts;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.options.dataSource.transaction(async (manager) => {
          const recorded: unknown[] = await manager.query(
            'INSERT INTO inbox (event_id, type, topic) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING event_id',
            [event.id, event.type, origin.topic],
          );
          if (recorded.length === 0) return 'duplicate';
          const result = await handler(event.data, new EventContext([event, manager, origin]));
          await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
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
