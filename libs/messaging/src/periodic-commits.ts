import { Consumer } from 'kafkajs';

/** How often the request-reply consumers commit what they have handled. */
export const REQUEST_REPLY_COMMIT_INTERVAL_MS = 1000;

/**
 * Offsets of a request-reply consumer (fraud checks, verdicts), committed every `intervalMs` rather
 * than after each batch. Run with `autoCommit: false`: kafkajs otherwise commits after every batch,
 * and its next fetch waits for that OffsetCommit, so a question or an answer arriving meanwhile waits
 * for a broker write that nobody is waiting on. What a stopped consumer had not yet committed is
 * read again by its successor: at most `intervalMs` of checks answered twice (dispensing keeps the
 * first answer per checkId) or of replies read again (ignored: nobody waits for them any more).
 */
export class PeriodicCommits {
  private readonly handled = new Map<string, { topic: string; partition: number; offset: string }>();
  private timer?: NodeJS.Timeout;
  private committing: Promise<void> = Promise.resolve();

  constructor(
    private readonly consumer: Consumer,
    private readonly onError: (error: Error) => void,
    private readonly intervalMs = REQUEST_REPLY_COMMIT_INTERVAL_MS,
  ) {
    // Offsets handled before a rebalance may belong to partitions now owned by another member.
    consumer.on(consumer.events.GROUP_JOIN, () => this.handled.clear());
  }

  /** The message at `offset` of this partition, and all before it, need not be read again. */
  done(topic: string, partition: number, offset: string): void {
    this.handled.set(`${topic}:${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
  }

  start(): void {
    this.timer ??= setInterval(() => void this.commit(), this.intervalMs);
    this.timer.unref();
  }

  /** Commits what is handled now; call before disconnecting. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.commit();
  }

  private commit(): Promise<void> {
    this.committing = this.committing.then(async () => {
      if (this.handled.size === 0) return;
      const offsets = [...this.handled.values()];
      this.handled.clear();
      try {
        await this.consumer.commitOffsets(offsets);
      } catch (error) {
        // Lost to a rebalance or a broker hiccup: the next consumer reads a little more again.
        this.onError(error as Error);
      }
    });
    return this.committing;
  }
}
