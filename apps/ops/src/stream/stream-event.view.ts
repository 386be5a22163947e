import { StreamEvent } from './stream-event.entity';

/** One recorded message as the dashboard, the SSE stream and the history API show it. */
export interface StreamEventView {
  seq: string;
  topic: string;
  partition: number;
  offset: string;
  deadLetter: boolean;
  id: string | null;
  type: string | null;
  subject: string | null;
  source: string | null;
  time: string | null;
  receivedAt: string;
  event: object | null;
  raw: string | null;
  headers: Record<string, string>;
}

/** The same view for a row read back from the database and for one just recorded. */
export function toStreamEventView(row: Omit<StreamEvent, 'seq'> & { seq: string | number }): StreamEventView {
  return {
    seq: String(row.seq),
    topic: row.topic,
    partition: row.partition,
    offset: String(row.offset),
    deadLetter: row.deadLetter,
    id: row.eventId,
    type: row.type,
    subject: row.subject,
    source: row.source,
    time: row.time ? new Date(row.time).toISOString() : null,
    receivedAt: new Date(row.receivedAt).toISOString(),
    event: row.event,
    raw: row.raw,
    headers: row.headers,
  };
}
