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
 * on every join, rebalance and stop, and when it last heard from the group (its heartbeats). A
 * service that keeps in memory what its own events made of its state may trust it only while it
 * owns them all, and only while the group still counts it in: then nothing else changes that state.
 */
@Injectable()
export class ConsumerOwnership {
  private current: Ownership = { whole: false, assignment: {} };
  private readonly listeners: ((ownership: Ownership) => void)[] = [];
  private readonly heartbeatListeners: ((at: number) => void)[] = [];

  /** Called at once with the current ownership, then on every join (each a new ownership, even with the same partitions), rebalance and stop. */
  subscribe(listener: (ownership: Ownership) => void): void {
    this.listeners.push(listener);
    listener(this.current);
  }

  /** Called with the time of each heartbeat the consumer sent its group. */
  onHeartbeat(listener: (at: number) => void): void {
    this.heartbeatListeners.push(listener);
  }

  /** Called by the transport: a join, or none (a rebalance started, the consumer stopped). */
  update(whole: boolean, assignment: Record<string, number[]>): void {
    this.current = { whole, assignment };
    for (const listener of this.listeners) listener(this.current);
  }

  /** Called by the transport. */
  heartbeat(at = Date.now()): void {
    for (const listener of this.heartbeatListeners) listener(at);
  }
}

/** Whether an assignment covers every partition of every topic, given each topic's partition count. */
export function ownsEveryPartition(assignment: Record<string, number[]>, partitionsOf: Record<string, number>): boolean {
  const topics = Object.keys(partitionsOf);
  return topics.length > 0 && topics.every((topic) => new Set(assignment[topic] ?? []).size === partitionsOf[topic]);
}
