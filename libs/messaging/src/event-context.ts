import { Logger } from '@nestjs/common';
import { BaseRpcContext } from '@nestjs/microservices';
import { CloudEvent } from '@ordo/contracts';
import { EntityManager } from 'typeorm';

const logger = new Logger('EventBatch');

export interface KafkaOrigin {
  topic: string;
  partition: number;
  /** Empty for an event held back and applied later (`EventBatch.apply`): it was read before this batch. */
  offset: string;
}

/**
 * The events applied together in one transaction (one event unless the service consumes in batches),
 * in partition order, duplicates already removed by the inbox. A handler that reads the same state for
 * every event can load it once for all of them (`shared`) and write it back once (`beforeCommit`).
 */
export class EventBatch {
  private readonly sharedState = new Map<unknown, unknown>();
  private readonly beforeCommitSteps: ((manager: EntityManager) => Promise<void>)[] = [];
  private readonly afterCommitSteps: (() => void)[] = [];
  private readonly afterAbortSteps: (() => void)[] = [];

  constructor(
    readonly events: readonly CloudEvent[],
    private readonly applyThroughHandler: (event: CloudEvent) => Promise<void> = async () => {
      throw new Error('this batch cannot apply held-back events');
    },
  ) {}

  /**
   * Applies an event received earlier and held back (its inbox row is already written), through the
   * handler of its type, in this transaction and batch: e.g. one that waited for what it refers to.
   */
  apply(event: CloudEvent): Promise<void> {
    return this.applyThroughHandler(event);
  }

  /** One value per batch and key, made on first use (e.g. the state every event of the batch reads). */
  shared<T>(key: unknown, create: () => T): T {
    if (!this.sharedState.has(key)) this.sharedState.set(key, create());
    return this.sharedState.get(key) as T;
  }

  /** Runs after every handler of the batch, in the same transaction, before it commits. */
  beforeCommit(step: (manager: EntityManager) => Promise<void>): void {
    this.beforeCommitSteps.push(step);
  }

  /**
   * Runs once the batch's transaction has committed (never if it rolled back), e.g. to tell another
   * part of the service what is now true. Synchronous, and must not throw: the effects are already durable.
   */
  afterCommit(step: () => void): void {
    this.afterCommitSteps.push(step);
  }

  /**
   * Runs if the batch's transaction failed, including at COMMIT, where the server may have
   * committed all the same (a connection lost then leaves it unknown): e.g. to stop trusting what
   * was told of this state elsewhere. Synchronous, and must not throw.
   */
  afterAbort(step: () => void): void {
    this.afterAbortSteps.push(step);
  }

  /** Called by the transport once the handlers are done. */
  async complete(manager: EntityManager): Promise<void> {
    for (const step of this.beforeCommitSteps) await step(manager);
  }

  /** Called by the transport after the commit. A step that throws is logged; the others still run. */
  committed(): void {
    runAll(this.afterCommitSteps, 'after-commit');
  }

  /** Called by the transport when the transaction failed. */
  aborted(): void {
    runAll(this.afterAbortSteps, 'after-abort');
  }
}

function runAll(steps: (() => void)[], what: string): void {
  for (const step of steps) {
    try {
      step();
    } catch (error) {
      logger.error(`${what} step failed: ${(error as Error).stack ?? error}`);
    }
  }
}

/**
 * What an event handler gets besides the payload: the whole envelope, where it came from, the
 * transaction in which the inbox records the event, and the batch it is applied with. Write effects
 * (and new outbox events) with `manager` so they commit together with the inbox row, or not at all.
 */
export class EventContext extends BaseRpcContext<[CloudEvent, EntityManager, KafkaOrigin, EventBatch]> {
  get event(): CloudEvent {
    return this.args[0];
  }
  get manager(): EntityManager {
    return this.args[1];
  }
  get origin(): KafkaOrigin {
    return this.args[2];
  }
  get batch(): EventBatch {
    return this.args[3];
  }
}
