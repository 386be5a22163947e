import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { OPS_CONFIG, OpsConfig } from '../ops.config';
import { LiveStream } from './live-stream';
import { RECORDED_CHANNEL, announcedSeqs } from './recorded-announcement';
import { RecordedHere } from './recorded-here';
import { StreamEvent } from './stream-event.entity';
import { StreamEventRepository, compareSeqs } from './stream-event.repository';
import { toStreamEventView } from './stream-event.view';

/** How long after a lost LISTEN connection, or a failed read, the follower tries again. */
const RETRY_DELAY_MS = 1000;

/**
 * Feeds this instance's live stream from the history as it is committed, whichever ops instance
 * recorded it. The ops instances share group `ordo-ops`, so each records only the partitions it
 * owns; the history they write together is complete and holds each message once, so a live stream
 * read from it is complete on every instance, carries the same sequence numbers (the SSE `id:`) as
 * the history, and never shows what the history does not hold.
 *
 * The recorder announces the rows of each batch with NOTIFY in its transaction; PostgreSQL delivers
 * the announcement at commit, in commit order, to every listening instance, and this reads those
 * rows by sequence number. Reading rows "after the last sequence number seen" instead would skip
 * rows: sequence numbers are taken at insert, and concurrent batches commit in another order.
 *
 * The rows this instance records itself are not read back: the recorder hands them over before
 * its commit, and the announcement releases them in their place in commit order. With one ops
 * instance nothing is read back; with N, each reads the batches of the other N - 1.
 *
 * A second Kafka consumer per instance, reading every partition from the latest offset, would also
 * see everything, but its events would have no sequence number until some instance recorded them,
 * and kafkajs cannot read without joining a group, which the broker keeps after the instance stops.
 */
@Injectable()
export class HistoryFollower implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HistoryFollower.name);
  private listener?: Client;
  /** Reads of the history, one after the other, so the live stream gets announced rows in commit order. */
  private following: Promise<void> = Promise.resolve();
  /**
   * Rows may have been committed without their announcement reaching this instance (before LISTEN,
   * while the connection was down, or when a read failed): the next read takes the latest window
   * from the table first, and LiveStream drops what it already has.
   */
  private behind = true;
  /** Rows being recorded by this instance, by sequence number, until their announcement arrives. */
  private readonly recordedHere = new RecordedHere();
  private relistenTimer?: NodeJS.Timeout;
  private rereadTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(OPS_CONFIG) private readonly config: Pick<OpsConfig, 'liveWindow'>,
    private readonly live: LiveStream,
    private readonly history: StreamEventRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
    // A restarted ops shows the latest events at once rather than an empty screen.
    await this.following;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.relistenTimer);
    clearTimeout(this.rereadTimer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.following;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: (this.dataSource.driver as PostgresDriver).options.url });
    this.listener = client;
    // Announcements arriving while LISTEN is being set up wait until it is, then behind the catch-up.
    let listening!: () => void;
    const listened = new Promise<void>((resolve) => (listening = resolve));
    this.following = this.following.then(() => listened);
    client.on('notification', (notification) => {
      if (notification.channel !== RECORDED_CHANNEL) return;
      const seqs = announcedSeqs(notification.payload);
      this.follow(() => this.publishRecorded(seqs));
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${RECORDED_CHANNEL}`);
    } catch (error) {
      // The history and the rest of ops work without it; the live stream starts once LISTEN does.
      this.lost(client, error as Error);
      return;
    } finally {
      listening();
    }
    // Set only now: a read queued earlier may catch up before LISTEN took effect, which is too soon.
    this.behind = true;
    this.follow(async () => undefined);
  }

  /** Listens again on a new connection; what was committed meanwhile is read from the table. */
  private lost(client: Client, error?: Error): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.logger.warn(`live stream's LISTEN connection lost${error ? `: ${error.message}` : ''}; listening again`);
    this.relistenTimer = setTimeout(() => void this.listen(), RETRY_DELAY_MS);
  }

  /**
   * Rows this instance is recording, handed over inside the recording transaction: the
   * announcement may reach the LISTEN connection before the commit's answer reaches the recorder.
   */
  recording(rows: StreamEvent[]): void {
    this.recordedHere.add(rows);
  }

  /** A recording that did not commit: its rows will not be announced. */
  notRecorded(rows: StreamEvent[]): void {
    this.recordedHere.remove(rows);
  }

  private follow(read: () => Promise<void>): void {
    this.following = this.following
      .then(async () => {
        if (this.behind) {
          await this.readLatestWindow();
          this.behind = false;
        }
        await read();
      })
      .catch((error) => {
        this.behind = true;
        this.logger.warn(`live stream could not read the history: ${(error as Error).message}`);
        if (this.stopped) return;
        clearTimeout(this.rereadTimer);
        this.rereadTimer = setTimeout(() => this.follow(async () => undefined), RETRY_DELAY_MS);
      });
  }

  private async publishRecorded(seqs: string[]): Promise<void> {
    const { here, elsewhere } = this.recordedHere.take(seqs);
    const read = elsewhere.length > 0 ? (await this.history.bySeqs(elsewhere)).map((row) => toStreamEventView(row)) : [];
    this.live.publish(read.length === 0 ? here : [...here, ...read].sort((a, b) => compareSeqs(a.seq, b.seq)));
  }

  private async readLatestWindow(): Promise<void> {
    // What is read now holds every committed row; one not committed yet is read when announced.
    this.recordedHere.clear();
    this.live.publish((await this.history.latest(this.config.liveWindow)).map((row) => toStreamEventView(row)));
  }
}
