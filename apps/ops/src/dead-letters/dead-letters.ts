import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Topics, isDeadLetterTopic } from '@ordo/contracts';
import { DeadLetterHeaders, KAFKA } from '@ordo/messaging';
import { IHeaders, Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { ConsumerLagMonitor } from '../lag/consumer-lag.monitor';
import { opsMetrics } from '../ops.metrics';
import { DeadLetterNotFound, DeadLetterNotReplayable } from './dead-letter.errors';
import { DeadLetterReplay } from './dead-letter-replay.entity';

/** Header a replayed copy carries, naming the dead letter it came from. */
export const REPLAY_OF_HEADER = 'ordo-replay-of';

export type ReplayOutcome = 'pending' | 'processed' | 'dead-lettered-again';

export interface ReplayView {
  id: string;
  replayedAt: string;
  replayedBy: string;
  topic: string;
  partition: number;
  offset: string;
  consumerGroup: string | null;
  /** Whether the group that dead-lettered the original has since moved past the copy, or failed on it again. */
  outcome: ReplayOutcome;
}

export interface DeadLetterView {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  type: string | null;
  subject: string | null;
  reason: string | null;
  error: string | null;
  originTopic: string | null;
  originPartition: number | null;
  originOffset: string | null;
  consumerGroup: string | null;
  service: string | null;
  deadLetteredAt: string | null;
  /** The value as text (the CloudEvent, or what could not be parsed), cut to a readable length. */
  value: string | null;
  replays: ReplayView[];
}

interface DeadLetterRow {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  type: string | null;
  subject: string | null;
  event: object | null;
  raw: string | null;
  headers: Record<string, string>;
  received_at: Date;
}

const ORIGIN_TOPICS = new Set<string>(Object.values(Topics));

/** Dead letters as ops recorded them, and sending one back to the topic it failed on. */
@Injectable()
export class DeadLetters implements BeforeApplicationShutdown {
  private producer?: Promise<Producer>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(DeadLetterReplay) private readonly replays: Repository<DeadLetterReplay>,
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly lag: ConsumerLagMonitor,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    await (await this.producer?.catch(() => undefined))?.disconnect();
  }

  /** The latest dead letters first. */
  async list(options: { topic?: string; subject?: string; limit: number }): Promise<DeadLetterView[]> {
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `SELECT topic, partition, "offset"::text AS "offset", key, type, subject, event, raw, headers, received_at
         FROM stream_event
        WHERE dead_letter AND ($1::text IS NULL OR topic = $1) AND ($2::text IS NULL OR subject = $2)
        ORDER BY seq DESC LIMIT $3`,
      [options.topic ?? null, options.subject ?? null, options.limit],
    );
    return Promise.all(rows.map((row) => this.viewOf(row)));
  }

  async get(topic: string, partition: number, offset: string): Promise<DeadLetterView> {
    return this.viewOf(await this.find(topic, partition, offset));
  }

  /**
   * Republishes the dead letter's original bytes, key and headers to its origin topic, adding
   * `ordo-replay-of` so the copy can be traced back. Consumers' inboxes make a replay of an event
   * they did apply harmless.
   */
  async replay(topic: string, partition: number, offset: string, replayedBy: string): Promise<ReplayView> {
    const row = await this.find(topic, partition, offset);
    const originTopic = row.headers[DeadLetterHeaders.topic];
    if (!originTopic || !ORIGIN_TOPICS.has(originTopic)) {
      throw new DeadLetterNotReplayable(
        `dead letter ${topic}[${partition}]@${offset} names no Ordo origin topic (${originTopic ?? 'none'})`,
      );
    }
    const [{ value }]: { value: Buffer | null }[] = await this.dataSource.query(
      'SELECT value FROM stream_event WHERE topic = $1 AND partition = $2 AND "offset" = $3',
      [topic, partition, offset],
    );
    if (value === null) {
      throw new DeadLetterNotReplayable(
        `the bytes of ${topic}[${partition}]@${offset} were not kept (recorded before ops kept them); replay it with kcat`,
      );
    }
    const headers: IHeaders = {};
    for (const [name, text] of Object.entries(row.headers)) {
      if (!name.startsWith('ordo-dlq-') && name !== REPLAY_OF_HEADER) headers[name] = text;
    }
    headers[REPLAY_OF_HEADER] = `${topic}/${partition}/${offset}`;
    const producer = await this.connectedProducer();
    const [written] = await producer.send({ topic: originTopic, acks: -1, messages: [{ key: row.key, value, headers }] });
    const replay = await this.replays.save({
      id: randomUUID(),
      deadLetterTopic: topic,
      deadLetterPartition: partition,
      deadLetterOffset: offset,
      originTopic,
      originPartition: written.partition,
      originOffset: written.baseOffset ?? written.offset ?? '-1',
      consumerGroup: row.headers[DeadLetterHeaders.group] ?? null,
      replayedBy,
      replayedAt: new Date(),
    });
    opsMetrics.deadLetterReplays.inc({ topic: originTopic });
    return { ...this.replayBase(replay), outcome: 'pending' };
  }

  private async find(topic: string, partition: number, offset: string): Promise<DeadLetterRow> {
    if (!isDeadLetterTopic(topic) || !/^\d{1,19}$/.test(offset)) throw new DeadLetterNotFound(topic, partition, offset);
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `SELECT topic, partition, "offset"::text AS "offset", key, type, subject, event, raw, headers, received_at
         FROM stream_event WHERE dead_letter AND topic = $1 AND partition = $2 AND "offset" = $3`,
      [topic, partition, offset],
    );
    if (rows.length === 0) throw new DeadLetterNotFound(topic, partition, offset);
    return rows[0];
  }

  private async viewOf(row: DeadLetterRow): Promise<DeadLetterView> {
    const h = row.headers;
    const replays = await this.replays.find({
      where: { deadLetterTopic: row.topic, deadLetterPartition: row.partition, deadLetterOffset: row.offset },
      order: { replayedAt: 'ASC' },
    });
    const value = row.event ? JSON.stringify(row.event) : row.raw;
    return {
      topic: row.topic,
      partition: row.partition,
      offset: row.offset,
      key: row.key,
      type: row.type,
      subject: row.subject,
      reason: h[DeadLetterHeaders.reason] ?? null,
      error: h[DeadLetterHeaders.error] ?? null,
      originTopic: h[DeadLetterHeaders.topic] ?? null,
      originPartition: h[DeadLetterHeaders.partition] !== undefined ? Number(h[DeadLetterHeaders.partition]) : null,
      originOffset: h[DeadLetterHeaders.offset] ?? null,
      consumerGroup: h[DeadLetterHeaders.group] ?? null,
      service: h[DeadLetterHeaders.service] ?? null,
      deadLetteredAt: h[DeadLetterHeaders.time] ?? new Date(row.received_at).toISOString(),
      value: value === null ? null : value.length > 2000 ? `${value.slice(0, 2000)}…` : value,
      replays: await Promise.all(replays.map(async (replay) => ({ ...this.replayBase(replay), outcome: await this.outcomeOf(replay) }))),
    };
  }

  private replayBase(replay: DeadLetterReplay): Omit<ReplayView, 'outcome'> {
    return {
      id: replay.id,
      replayedAt: replay.replayedAt.toISOString(),
      replayedBy: replay.replayedBy,
      topic: replay.originTopic,
      partition: replay.originPartition,
      offset: String(replay.originOffset),
      consumerGroup: replay.consumerGroup,
    };
  }

  private async outcomeOf(replay: DeadLetterReplay): Promise<ReplayOutcome> {
    const again: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM stream_event
        WHERE dead_letter AND headers->>'${DeadLetterHeaders.topic}' = $1
          AND headers->>'${DeadLetterHeaders.partition}' = $2 AND headers->>'${DeadLetterHeaders.offset}' = $3
          AND ($4::text IS NULL OR headers->>'${DeadLetterHeaders.group}' = $4)
        LIMIT 1`,
      [replay.originTopic, String(replay.originPartition), String(replay.originOffset), replay.consumerGroup],
    );
    if (again.length > 0) return 'dead-lettered-again';
    if (!replay.consumerGroup) return 'pending';
    const committed = await this.lag.committedOffset(replay.consumerGroup, replay.originTopic, replay.originPartition).catch(() => null);
    return committed !== null && BigInt(committed) > BigInt(replay.originOffset) ? 'processed' : 'pending';
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    })();
    this.producer.catch(() => (this.producer = undefined));
    return this.producer;
  }
}
