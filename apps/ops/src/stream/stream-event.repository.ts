import { Injectable } from '@nestjs/common';
import { Sql, SqlRunner, statement } from '@ordo/database';
import { RECORDED_CHANNEL, recordedAnnouncements } from './recorded-announcement';
import { StreamEvent } from './stream-event.entity';

export type NewStreamEvent = Omit<StreamEvent, 'seq'>;

// Column arrays, one element per message: one statement for a whole fetched batch. A message
// recorded before (a redelivered batch) returns nothing.
const RECORD = statement(
  'stream_event_record',
  `INSERT INTO stream_event (topic, partition, "offset", key, event_id, type, subject, source, time, event, raw, headers, value, dead_letter, received_at)
   SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[],
                        $9::timestamptz[], $10::jsonb[], $11::text[], $12::jsonb[], $13::bytea[], $14::boolean[], $15::timestamptz[])
   ON CONFLICT DO NOTHING
   RETURNING seq, topic, partition, "offset"`,
);
// What the live stream shows of a row (every column but the raw bytes), named as the entity names them.
const VIEW_COLUMNS = `seq, topic, partition, "offset", key, event_id AS "eventId", type, subject, source, time, event, raw, headers,
  dead_letter AS "deadLetter", received_at AS "receivedAt"`;
const BY_SEQS = statement('stream_event_by_seqs', `SELECT ${VIEW_COLUMNS} FROM stream_event WHERE seq = ANY($1::bigint[]) ORDER BY seq`);
const LATEST = statement('stream_event_latest', `SELECT ${VIEW_COLUMNS} FROM stream_event ORDER BY seq DESC LIMIT $1`);
const ANNOUNCE = statement('stream_event_announce', 'SELECT pg_notify($1, announcement) FROM unnest($2::text[]) AS announcement');

/** Ops' history of every message on every topic. */
@Injectable()
export class StreamEventRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Records the messages not recorded yet and announces them to every ops instance (NOTIFY,
   * delivered at commit), in `tx`; returns them with their sequence numbers, oldest first.
   */
  async record(tx: SqlRunner, rows: NewStreamEvent[]): Promise<StreamEvent[]> {
    const column = <K extends keyof NewStreamEvent>(name: K) => rows.map((row) => row[name]);
    const json = (values: (object | null)[]) => values.map((value) => (value === null ? null : JSON.stringify(value)));
    const recorded = await tx.query<Pick<StreamEvent, 'seq' | 'topic' | 'partition' | 'offset'>>(RECORD, [
      column('topic'),
      column('partition'),
      column('offset'),
      column('key'),
      column('eventId'),
      column('type'),
      column('subject'),
      column('source'),
      column('time'),
      json(column('event')),
      column('raw'),
      json(column('headers')),
      column('value'),
      column('deadLetter'),
      column('receivedAt'),
    ]);
    if (recorded.length === 0) return [];
    const position = (row: Pick<StreamEvent, 'topic' | 'partition' | 'offset'>) => `${row.topic}|${row.partition}|${row.offset}`;
    const byPosition = new Map(rows.map((row) => [position(row), row]));
    const added = recorded
      .map((row) => ({ ...byPosition.get(position(row))!, seq: String(row.seq) }))
      .sort((a, b) => compareSeqs(a.seq, b.seq));
    await tx.query(ANNOUNCE, [RECORDED_CHANNEL, recordedAnnouncements(added.map((row) => row.seq))]);
    return added;
  }

  /** The rows with these sequence numbers, oldest first (every ops instance reads each recorded batch). */
  async bySeqs(seqs: string[]): Promise<StreamEvent[]> {
    return this.sql.query<StreamEvent>(BY_SEQS, [seqs]);
  }

  /** The latest `limit` rows, oldest first. */
  async latest(limit: number): Promise<StreamEvent[]> {
    return (await this.sql.query<StreamEvent>(LATEST, [limit])).reverse();
  }
}

/** Orders history sequence numbers (bigint, as text) as the database does. */
export function compareSeqs(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
