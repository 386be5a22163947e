import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { metrics } from '@ordo/observability';
import { Sql, statement } from '@ordo/database';
import { Kafka, Message, Producer } from 'kafkajs';
import { KAFKA, MESSAGING_CONFIG } from './tokens';
import { MessagingConfig } from './kafka-config';
import { Outbox } from './outbox';

const BATCH_SIZE = 500;
/** One relay per database publishes at a time, so events of one key leave in the order they were written. */
const RELAY_LOCK_KEY = 0x6f72646f; // "ordo"
/**
 * How soon a relay that found another instance publishing tries again: the other one may have read
 * its batch before this instance's events committed.
 */
const LOCKED_RETRY_MS = 20;

// The relay's lock and the rows it then publishes, in one round trip: one row with `locked` false
// when another relay holds the lock, one row with no `seq` when there is nothing to publish. The rows
// are read in the statement's snapshot, taken just before the lock: a batch another relay published
// and deleted in between is published again (the inboxes drop the copies).
const LOCK_NEXT_BATCH = statement(
  'outbox_lock_next_batch',
  `SELECT relay.locked, o.seq, o.topic, o.key, o.type, o.event
   FROM (SELECT pg_try_advisory_xact_lock($1) AS locked) AS relay
   LEFT JOIN LATERAL (SELECT seq, topic, key, type, event FROM outbox WHERE relay.locked ORDER BY seq LIMIT $2) AS o ON true`,
);
const DELETE_PUBLISHED = statement('outbox_delete_published', 'DELETE FROM outbox WHERE seq = ANY($1::bigint[])');

interface OutboxRow {
  seq: string;
  topic: string;
  key: string;
  type: string;
  event: unknown;
}

/**
 * Publishes outbox rows to Kafka in write order and deletes them once the broker has acknowledged
 * them (acks=all). Woken in-process after each commit that wrote events (`Outbox.onCommitted`), and
 * polls for rows another instance left (it stopped, or published while this one waited for the lock).
 * A NOTIFY trigger used to wake it: every insert then queued on the one lock NOTIFY takes at commit,
 * which serialised the service's commits (bench/results/prescribing-2026-12-05.md).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private producer?: Producer;
  private pollTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private wakeRequested = false;
  private stopped = false;

  constructor(
    private readonly sql: Sql,
    outbox: Outbox,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {
    outbox.onCommitted(() => this.wake());
  }

  async onApplicationBootstrap(): Promise<void> {
    const producer = this.kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
    await producer.connect();
    this.producer = producer;
    this.pollTimer = setInterval(() => this.wake(true), this.config.outboxPollIntervalMs);
    this.wake(true);
  }

  /** Lets in-flight publishing finish, then stops. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.retryTimer);
    await this.draining;
    await this.producer?.disconnect();
  }

  /** `measure`: also report the backlog (each poll does; a wake per commit need not count the table). */
  wake(measure = false): void {
    // Before the producer is connected, the first drain at bootstrap publishes what was committed.
    if (this.stopped || !this.producer) return;
    if (this.draining) {
      this.wakeRequested = true;
      return;
    }
    this.draining = this.drain(measure)
      .catch((error) => this.logger.error(`outbox relay failed: ${(error as Error).message}`))
      .finally(() => {
        this.draining = undefined;
        if (this.wakeRequested) {
          this.wakeRequested = false;
          this.wake();
        }
      });
  }

  private async drain(measure: boolean): Promise<void> {
    let published: number | 'locked';
    do {
      published = await this.publishBatch();
    } while (published === BATCH_SIZE && !this.stopped);
    if (published === 'locked' && !this.retryTimer) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.wake();
      }, LOCKED_RETRY_MS);
    }
    if (measure) {
      const [{ count }] = await this.sql.query<{ count: number }>('SELECT count(*)::int AS count FROM outbox');
      metrics.outboxBacklog.set(count);
    }
  }

  private async publishBatch(): Promise<number | 'locked'> {
    return this.sql.transaction(async (tx) => {
      const found = await tx.query<{ locked: boolean } & (OutboxRow | { [K in keyof OutboxRow]: null })>(LOCK_NEXT_BATCH, [
        RELAY_LOCK_KEY,
        BATCH_SIZE,
      ]);
      if (!found[0].locked) return 'locked';
      const rows = found.filter((row): row is { locked: boolean } & OutboxRow => row.seq !== null);
      if (rows.length === 0) return 0;
      await this.producer!.sendBatch({ acks: -1, topicMessages: groupByTopic(rows) });
      await tx.query(DELETE_PUBLISHED, [rows.map((row) => row.seq)]);
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
