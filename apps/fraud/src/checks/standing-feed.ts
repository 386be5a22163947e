import { Injectable, Logger } from '@nestjs/common';
import { ConsumerOwnership } from '@ordo/messaging';
import type { StandingMessage } from './standing-memory';

/**
 * The main thread's side of the verdict worker's memory (`StandingMemory`): after each committed
 * batch of events, what it made of the prescriptions and patients it loaded; after an analyst's
 * action, which of them to read from the database again; and whether this instance's consumer owns
 * every partition, without which memory is not trusted. Its clock orders the two: news loaded
 * before a change made outside the stream is ignored for the keys that change touched.
 */
/** What a change outside the event stream touched, as it learns it. */
export interface TouchedStanding {
  prescriptionIds: string[];
  patients: (string | null)[];
}

@Injectable()
export class StandingFeed {
  private readonly logger = new Logger(StandingFeed.name);
  private post?: (message: StandingMessage) => void;
  private whole = false;
  private ticks = 0;
  /** When the consumer last heard from its group (epoch ms), shared with the verdict worker. */
  readonly heardFrom = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT));

  constructor(ownership: ConsumerOwnership) {
    ownership.subscribe(({ whole, assignment }) => {
      if (whole !== this.whole) {
        this.logger.log(
          whole
            ? 'this instance owns every partition of its topics: verdicts read the standing it keeps in memory'
            : `this instance owns ${JSON.stringify(assignment)}: verdicts read the database`,
        );
      }
      this.whole = whole;
      this.heardFrom[0] = Date.now();
      this.post?.({ kind: 'ownership', whole, clock: this.clock() });
    });
    ownership.onHeartbeat((at) => (this.heardFrom[0] = at));
  }

  /** Connects a (new) verdict worker: it starts from an empty memory, taking no news loaded before now. */
  attach(post: (message: StandingMessage) => void): void {
    this.post = post;
    post({ kind: 'ownership', whole: this.whole, clock: this.clock() });
  }

  detach(): void {
    this.post = undefined;
  }

  /** Whether what batches commit is worth telling: someone listens and memory can be trusted. */
  get live(): boolean {
    return this.post !== undefined && this.whole;
  }

  /** The clock: read before loading a batch's state. */
  clock(): number {
    return ++this.ticks;
  }

  /** What a batch committed (built only when `live`). */
  committed(standing: () => StandingMessage): void {
    if (this.live) this.post!(standing());
  }

  /**
   * Runs a change made outside the event stream (an analyst's action); what it names in `touched`
   * is read from the database again afterwards, also when it failed: a COMMIT whose answer was lost
   * may have gone through.
   */
  async changing<T>(change: (touched: TouchedStanding) => Promise<T>): Promise<T> {
    const touched: TouchedStanding = { prescriptionIds: [], patients: [] };
    try {
      return await change(touched);
    } finally {
      if (touched.prescriptionIds.length + touched.patients.length > 0)
        this.changedOutsideStream(touched.prescriptionIds, touched.patients);
    }
  }

  /** Read these from the database again: they may have changed outside what batches told. */
  changedOutsideStream(prescriptionIds: string[], patients: (string | null)[]): void {
    this.post?.({
      kind: 'forget',
      at: this.clock(),
      prescriptionIds,
      patients: patients.filter((patient): patient is string => !!patient),
    });
  }
}
