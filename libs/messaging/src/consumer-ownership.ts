import { Injectable } from '@nestjs/common';

/** What this instance's event consumer was last given by its group. */
export interface Ownership {
  /** Every partition of every topic it consumes: no other instance applies any of their events. */
  whole: boolean;
  /** Partitions assigned, per topic (empty while the group rebalances or the consumer is stopped). */
  assignment: Record<string, number[]>;
}

/**
 * The partitions the service's consumer owns, kept up to date by the transport (`KafkaEventServer`)
 * on every join, rebalance and stop. A service that keeps in memory what its own events made of its
 * state may trust it only while it owns them all: then nothing else changes that state.
 */
@Injectable()
export class ConsumerOwnership {
  private current: Ownership = { whole: false, assignment: {} };
  private readonly listeners: ((ownership: Ownership) => void)[] = [];

  get now(): Ownership {
    return this.current;
  }

  /** Called at once with the current ownership, then on every change. */
  subscribe(listener: (ownership: Ownership) => void): void {
    this.listeners.push(listener);
    listener(this.current);
  }

  /** Called by the transport. */
  update(ownership: Ownership): void {
    const changed = ownership.whole !== this.current.whole || JSON.stringify(ownership.assignment) !== JSON.stringify(this.current.assignment);
    this.current = ownership;
    if (changed) for (const listener of this.listeners) listener(ownership);
  }
}

/** Whether an assignment covers every partition of every topic, given each topic's partition count. */
export function ownsEveryPartition(assignment: Record<string, number[]>, partitionsOf: Record<string, number>): boolean {
  const topics = Object.keys(partitionsOf);
  return topics.length > 0 && topics.every((topic) => new Set(assignment[topic] ?? []).size === partitionsOf[topic]);
}
