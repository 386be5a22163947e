import { StreamEvent } from './stream-event.entity';
import { StreamEventView, toStreamEventView } from './stream-event.view';

/**
 * The rows this ops instance is recording, kept from its recording transaction until their
 * announcement arrives, so that its live stream need not read back what it wrote. Past `max` rows
 * (announcements lost with a LISTEN connection) they are dropped and read back like any other
 * instance's.
 */
export class RecordedHere {
  private readonly rows = new Map<string, StreamEventView>();

  constructor(private readonly max = 10_000) {}

  get size(): number {
    return this.rows.size;
  }

  add(rows: StreamEvent[]): void {
    if (this.rows.size + rows.length > this.max) this.rows.clear();
    for (const row of rows) this.rows.set(row.seq, toStreamEventView(row));
  }

  /** Rows that will not be announced: their transaction did not commit. */
  remove(rows: StreamEvent[]): void {
    for (const row of rows) this.rows.delete(row.seq);
  }

  /** The announced rows held here, released, and the sequence numbers to read from the history. */
  take(seqs: string[]): { here: StreamEventView[]; elsewhere: string[] } {
    const here: StreamEventView[] = [];
    const elsewhere: string[] = [];
    for (const seq of seqs) {
      const view = this.rows.get(seq);
      if (view === undefined) elsewhere.push(seq);
      else {
        this.rows.delete(seq);
        here.push(view);
      }
    }
    return { here, elsewhere };
  }

  clear(): void {
    this.rows.clear();
  }
}
