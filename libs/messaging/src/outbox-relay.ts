import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { metrics } from '@ordo/observability';
import { Kafka, Message, Producer } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { KAFKA, MESSAGING_CONFIG } from './tokens';
import { MessagingConfig } from './kafka-config';

const BATCH_SIZE = 500;
/** One relay per database publishes at a time, so events of one key leave in the order they were written. */
const RELAY_LOCK_KEY = 0x6f72646f; // "ordo"

interface OutboxRow {
  seq: string;
  topic: string;
  key: string;
  type: string;
  event: unknown;
}

/**
 * Publishes outbox rows to Kafka in write order and deletes them once the broker has acknowledged
 * them (acks=all). Woken by NOTIFY at commit; polls as a fallback if a notification is missed.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private producer: Producer;
  private listener?: Client;
  private pollTimer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private wakeRequested = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
    await this.producer.connect();
    await this.listen();
    this.pollTimer = setInterval(() => this.wake(), this.config.outboxPollIntervalMs);
    this.wake();
  }

  /** Lets in-flight publishing finish, then stops. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    await this.draining;
    await this.listener?.end().catch(() => undefined);
    await this.producer?.disconnect();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.wakeRequested = true;
      return;
    }
    this.draining = this.drain()
      .catch((error) => this.logger.error(`outbox relay failed: ${(error as Error).message}`))
      .finally(() => {
        this.draining = undefined;
        if (this.wakeRequested) {
          this.wakeRequested = false;
          this.wake();
        }
      });
  }

  private async listen(): Promise<void> {
    const options = (this.dataSource.driver as PostgresDriver).options;
    this.listener = new Client({ connectionString: (options as { url?: string }).url });
    this.listener.on('notification', () => this.wake());
    this.listener.on('error', (error) => {
      // Polling keeps the relay going; the next start re-listens.
      this.logger.warn(`outbox LISTEN connection lost: ${error.message}`);
    });
    await this.listener.connect();
    await this.listener.query('LISTEN ordo_outbox');
  }

  private async drain(): Promise<void> {
    let published: number;
    do {
      published = await this.publishBatch();
    } while (published === BATCH_SIZE && !this.stopped);
    const [{ count }] = await this.dataSource.query('SELECT count(*)::int AS count FROM outbox');
    metrics.outboxBacklog.set(count);
  }

  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK_KEY]);
      if (!locked) return 0;
      const rows: OutboxRow[] = await manager.query('SELECT seq, topic, key, type, event FROM outbox ORDER BY seq LIMIT $1', [BATCH_SIZE]);
      if (rows.length === 0) return 0;
      await this.producer.sendBatch({ acks: -1, topicMessages: groupByTopic(rows) });
      await manager.query('DELETE FROM outbox WHERE seq = ANY($1::bigint[])', [rows.map((row) => row.seq)]);
      for (const row of rows) metrics.eventsProduced.inc({ type: row.type });
      return rows.length;
    });
  }
}

function groupByTopic(rows: OutboxRow[]): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const row of rows) {
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({
      key: row.key,
      value: JSON.stringify(row.event),
      headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' },
    });
    byTopic.set(row.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
