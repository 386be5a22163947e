import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { allTopics, isDeadLetterTopic, parseCloudEvent } from '@ordo/contracts';
import { Sql } from '@ordo/database';
import { KAFKA, MESSAGING_CONFIG, MessagingConfig, ensureTopics, headerTexts } from '@ordo/messaging';
import { metrics } from '@ordo/observability';
import { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { opsMetrics } from '../ops.metrics';
import { HistoryFollower } from './history-follower';
import { StreamEvent } from './stream-event.entity';
import { NewStreamEvent, StreamEventRepository } from './stream-event.repository';

/**
 * Records every message on every Ordo topic. Ops is an observer: a message other services would
 * dead-letter is still recorded here (with its raw text) rather than dead-lettered again. Rows are
 * keyed by (topic, partition, offset), so a redelivered batch changes nothing and is not shown live
 * twice.
 *
 * The ops instances share one group, so each records only the partitions it owns. What a batch
 * newly records is announced to every instance in the same transaction (NOTIFY, delivered at
 * commit); each instance's HistoryFollower feeds its live stream from those rows, so every live
 * stream carries every event, whichever instance recorded it. This instance's own rows are handed
 * to its follower inside the transaction rather than read back.
 */
@Injectable()
export class EventRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventRecorder.name);
  private consumer?: Consumer;

  constructor(
    private readonly sql: Sql,
    private readonly history: StreamEventRepository,
    private readonly follower: HistoryFollower,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, this.config);
    this.consumer = this.kafka.consumer({
      groupId: this.config.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.config.sessionTimeoutMs,
      heartbeatInterval: Math.max(1000, Math.floor(this.config.sessionTimeoutMs / 10)),
      // The live views want each event as soon as it is written, not a fuller batch later.
      maxWaitTimeInMs: 250,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: allTopics(), fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        if (batch.messages.length === 0) return;
        const rows = batch.messages.map((message) => toRow(batch.topic, batch.partition, message));
        // Rows seen before return nothing: they are in the history already, and were announced then.
        let recorded: StreamEvent[] = [];
        try {
          await this.sql.transaction(async (tx) => {
            recorded = await this.history.record(tx, rows);
            this.follower.recording(recorded);
          });
        } catch (error) {
          this.follower.notRecorded(recorded);
          throw error;
        }
        for (const row of rows) metrics.eventsConsumed.inc({ type: row.type ?? 'unparsed', outcome: 'recorded' });
        if (recorded.length > 0) opsMetrics.streamEventsRecorded.inc({ topic: batch.topic }, recorded.length);
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

export function toRow(topic: string, partition: number, message: KafkaMessage): NewStreamEvent {
  const deadLetter = isDeadLetterTopic(topic);
  const base = {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    headers: headersAsText(message.headers),
    deadLetter,
    value: deadLetter ? (message.value ?? null) : null,
    receivedAt: new Date(),
  };
  try {
    const event = parseCloudEvent(message.value);
    return {
      ...base,
      eventId: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(event.id) ? event.id : null,
      type: event.type,
      subject: event.subject,
      source: event.source,
      time: new Date(event.time),
      event,
      raw: null,
    };
  } catch {
    return {
      ...base,
      eventId: null,
      type: null,
      subject: base.key,
      source: null,
      time: null,
      event: null,
      raw: message.value?.toString('utf8') ?? null,
    };
  }
}

function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headerTexts(headers)).map(([name, value]) => [name, value.slice(0, 4000)]));
}
