import { Injectable } from '@nestjs/common';
import type { StandingMessage } from './standing-memory';

/**
 * What was the main thread's side of the verdict worker's memory. Verdicts read every standing from
 * the database now (docs/scaling.md#fraud-s-verdict-memory), so nothing listens: `live` is always
 * false, a batch builds no standing, and an analyst's change just runs. It stays, inert, for the
 * callers that still name it (the state repository, the case use cases) until they drop it.
 */
/** What a change outside the event stream touched, as it learns it. */
export interface TouchedStanding {
  prescriptionIds: string[];
  patients: (string | null)[];
}

@Injectable()
export class StandingFeed {
  private ticks = 0;

  /** Nothing listens. */
  get live(): boolean {
    return false;
  }

  /** A counter the callers read before loading a batch's state. */
  clock(): number {
    return ++this.ticks;
  }

  /** Nobody to tell: the standing is not even built. */
  committed(_standing: () => StandingMessage): void {}

  /** Runs a change made outside the event stream (an analyst's action). */
  async changing<T>(change: (touched: TouchedStanding) => Promise<T>): Promise<T> {
    return change({ prescriptionIds: [], patients: [] });
  }

  /** Nobody remembers anything to read again. */
  changedOutsideStream(_prescriptionIds: string[], _patients: (string | null)[]): void {}
}
