import { Consumer, ConsumerRunConfig, EachMessagePayload } from 'kafkajs';

/** How often the request-reply consumers commit what they have handled. */
const REQUEST_REPLY_COMMIT_INTERVAL_MS = 1000;

/**
 * Offsets of a request-reply consumer in a group its successors resume from (fraud's verdict
 * workers), committed every `intervalMs` rather than after each batch; a reader whose group is its
 * own process's (dispensing's reader of verdicts) commits nothing at all. The consumer runs with
 * `autoCommit: false` (`runEachMessage` sees to it; an `eachBatch` consumer sets it and calls `done`
 * itself): kafkajs otherwise commits after every batch, and its next fetch waits for that
 * OffsetCommit, so a question or an answer arriving meanwhile waits for a broker write that nobody
 * is waiting on. What was not yet committed when a consumer stops, or when its group rebalances
 * (each member then resumes from the group's committed offsets), is read again: about `intervalMs`
 * of checks answered twice (dispensing keeps the first answer per checkId) or of replies read again
 * (ignored: nobody waits for them any more).
 */
export class PeriodicCommits {
  /** The last offset handled, by topic and partition (the commit is the next one). */
  private readonly handled = new Map<string, Offset>();
  private readonly timer: NodeJS.Timeout;
  private committing: Promise<void> = Promise.resolve();
  /** Joins of the group so far: offsets from before a join are not committed after it. */
  private joins = 0;

  constructor(
    private readonly consumer: Consumer,
    private readonly onError: (error: Error) => void,
    intervalMs = REQUEST_REPLY_COMMIT_INTERVAL_MS,
  ) {
    // Offsets handled before a rebalance may belong to partitions now owned by another member.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joins++;
      this.handled.clear();
    });
    this.timer = setInterval(() => void this.commit(), intervalMs);
    this.timer.unref();
  }

  /** Runs the consumer with `handle` for each message, marked done once it returns, offsets committed every interval. */
  runEachMessage(
    handle: (payload: EachMessagePayload) => Promise<void>,
    config: Omit<ConsumerRunConfig, 'autoCommit' | 'eachMessage' | 'eachBatch'> = {},
  ): Promise<void> {
    return this.consumer.run({
      ...config,
      autoCommit: false,
      eachMessage: async (payload) => {
        await handle(payload);
        this.done(payload.topic, payload.partition, payload.message.offset);
      },
    });
  }

  /** The message at `offset` of this partition, and all before it, need not be read again. */
  done(topic: string, partition: number, offset: string): void {
    this.handled.set(`${topic}:${partition}`, { topic, partition, offset });
  }

  /**
   * Commits what is handled now; call before disconnecting. Waits at most `waitMs`: a coordinator
   * that does not answer must not hold up the shutdown (the successor reads a little more again).
   */
  async stop(waitMs = 2000): Promise<void> {
    clearInterval(this.timer);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([this.commit(), new Promise((resolve) => (timeout = setTimeout(resolve, waitMs)))]);
    clearTimeout(timeout);
  }

  private commit(): Promise<void> {
    this.committing = this.committing.then(async () => {
      if (this.handled.size === 0) return;
      const taken = new Map(this.handled);
      const joins = this.joins;
      this.handled.clear();
      try {
        await this.consumer.commitOffsets([...taken.values()].map((last) => ({ ...last, offset: (BigInt(last.offset) + 1n).toString() })));
      } catch (error) {
        this.onError(error as Error);
        // Tried again next time, unless the group changed hands meanwhile or a later message of that partition was handled since.
        if (this.joins !== joins) return;
        for (const [key, offset] of taken) if (!this.handled.has(key)) this.handled.set(key, offset);
      }
    });
    return this.committing;
  }
}

interface Offset {
  topic: string;
  partition: number;
  offset: string;
}
