import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { allTopics, isDeadLetterTopic, parseCloudEvent } from '@ordo/contracts';
import { KAFKA, MESSAGING_CONFIG, MessagingConfig, ensureTopics } from '@ordo/messaging';
import { metrics } from '@ordo/observability';
import { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { DataSource } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { StreamEvent } from './stream-event.entity';

/**
 * Records every message on every Ordo topic. Ops is an observer: a message other services would
 * dead-letter is still recorded here (with its raw text) rather than dead-lettered again. Rows are
 * keyed by (topic, partition, offset), so a redelivered batch changes nothing.
 */
@Injectable()
export class EventRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventRecorder.name);
  private consumer?: Consumer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, this.config);
    this.consumer = this.kafka.consumer({
      groupId: process.env.KAFKA_GROUP_ID ?? 'ordo-ops',
      allowAutoTopicCreation: false,
      sessionTimeout: this.config.sessionTimeoutMs,
      heartbeatInterval: Math.max(1000, Math.floor(this.config.sessionTimeoutMs / 10)),
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: allTopics(), fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        if (batch.messages.length === 0) return;
        const rows = batch.messages.map((message) => toRow(batch.topic, batch.partition, message));
        await this.dataSource.createQueryBuilder().insert().into(StreamEvent).values(rows).orIgnore().execute();
        for (const row of rows) metrics.eventsConsumed.inc({ type: row.type ?? 'unparsed', outcome: 'recorded' });
        resolveOffset(batch.messages[batch.messages.length - 1].offset);
        await heartbeat();
      },
    });
    this.logger.log(`recording ${allTopics().length} topics`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

function toRow(topic: string, partition: number, message: KafkaMessage): QueryDeepPartialEntity<StreamEvent> & { type?: string | null } {
  const base = {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    headers: headersAsText(message.headers),
    deadLetter: isDeadLetterTopic(topic),
    receivedAt: new Date(),
  };
  try {
    const event = parseCloudEvent(message.value);
    return {
      ...base,
      eventId: /^[0-9a-f-]{36}$/i.test(event.id) ? event.id : null,
      type: event.type,
      subject: event.subject,
      source: event.source,
      time: new Date(event.time),
      event,
      raw: null,
    };
  } catch {
    return { ...base, eventId: null, type: null, subject: base.key, source: null, time: null, event: null, raw: message.value?.toString('utf8') ?? null };
  }
}

function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    text[name] = (Array.isArray(value) ? value.map(String).join(',') : value.toString()).slice(0, 4000);
  }
  return text;
}
