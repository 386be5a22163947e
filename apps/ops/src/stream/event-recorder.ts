import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { allTopics, isDeadLetterTopic, parseCloudEvent } from '@ordo/contracts';
import { KAFKA, MESSAGING_CONFIG, MessagingConfig, ensureTopics, headerTexts } from '@ordo/messaging';
import { metrics } from '@ordo/observability';
import { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { DataSource } from 'typeorm';
import { OPS_CONFIG, OpsConfig } from '../ops.config';
import { opsMetrics } from '../ops.metrics';
import { LiveStream } from './live-stream';
import { StreamEvent } from './stream-event.entity';
import { StreamEventView, toStreamEventView } from './stream-event.view';

type NewRow = Omit<StreamEvent, 'seq'>;

/**
 * Records every message on every Ordo topic. Ops is an observer: a message other services would
 * dead-letter is still recorded here (with its raw text) rather than dead-lettered again. Rows are
 * keyed by (topic, partition, offset), so a redelivered batch changes nothing and is not shown live
 * twice. What is newly recorded goes to the live stream once the database has it.
 */
@Injectable()
export class EventRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventRecorder.name);
  private consumer?: Consumer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
    @Inject(OPS_CONFIG) private readonly opsConfig: OpsConfig,
    private readonly live: LiveStream,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.warmLiveWindow();
    await ensureTopics(this.kafka, this.config);
    this.consumer = this.kafka.consumer({
      groupId: this.config.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.config.sessionTimeoutMs,
      heartbeatInterval: Math.max(1000, Math.floor(this.config.sessionTimeoutMs / 10)),
      // The live view wants each event as soon as it is written, not a fuller batch later.
      maxWaitTimeInMs: 250,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: allTopics(), fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        if (batch.messages.length === 0) return;
        const rows = batch.messages.map((message) => toRow(batch.topic, batch.partition, message));
        const result = await this.dataSource
          .createQueryBuilder()
          .insert()
          .into(StreamEvent)
          .values(rows)
          .orIgnore()
          .returning(['seq', 'offset'])
          .execute();
        const seqByOffset = new Map<string, string>(
          (result.raw as { seq: string; offset: string }[]).map((r) => [String(r.offset), String(r.seq)]),
        );
        const recorded: StreamEventView[] = [];
        for (const row of rows) {
          metrics.eventsConsumed.inc({ type: row.type ?? 'unparsed', outcome: 'recorded' });
          const seq = seqByOffset.get(row.offset);
          if (seq === undefined) continue; // seen before: already in the history and the window
          opsMetrics.streamEventsRecorded.inc({ topic: row.topic });
          recorded.push(toStreamEventView({ ...row, seq }));
        }
        resolveOffset(batch.messages[batch.messages.length - 1].offset);
        this.live.publish(recorded);
        await heartbeat();
      },
    });
    this.logger.log(`recording ${allTopics().length} topics`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }

  /** A restarted ops shows the latest events at once rather than an empty screen. */
  private async warmLiveWindow(): Promise<void> {
    const rows = await this.dataSource.getRepository(StreamEvent).find({ order: { seq: 'DESC' }, take: this.opsConfig.liveWindow });
    this.live.publish(rows.reverse().map((row) => toStreamEventView(row)));
  }
}

export function toRow(topic: string, partition: number, message: KafkaMessage): NewRow {
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
